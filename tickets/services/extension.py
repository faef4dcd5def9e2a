"""SPEC T-05/T-10/T-14: extensions, unresolvable returns, follow-ups and status reports."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.approvals import approval_pending, approval_request, approvals_withdraw_for
from core.deadlines import (
    compute_due,
    deadline_cancel,
    deadline_running,
    deadline_start,
    deadline_stop,
    policy_for,
)
from core.models import ApprovalRequest
from core.roles import Role
from core.service_kit import require
from estates.actors import Actor
from estates.models import Department
from tickets import permissions
from tickets.hooks import steps_announce
from tickets.models import (
    CompletionPolicy,
    Extension,
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services._steps import E
from tickets.services.registration import COMPLETION_CODES, as_user, lock, refuse, save

EXTENSION, EXTENSION_DIRECTOR = "ticket.extension", "ticket.extension.director"  # SPEC T-05, T-18
EXTENSION_REQUEST = "ticket.extension.request"  # SPEC T-05, §15: applied for within 24 h of going overdue


def director_limit(order: WorkOrder) -> datetime:
    """SPEC T-05: two weeks from acceptance, from the policy table (`ticket.extension.director`)."""

    return compute_due(policy_for("ticket.extension.director", order.site_id), order.received_at,
                       site_id=order.site_id)


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


@transaction.atomic
def work_order_extend(*, order: WorkOrder, actor: Actor | None, new_due_at: datetime, reason: str,
                      resident_consent: bool = False, consent_note: str = "", resident_caused: bool = False,
                      now: datetime | None = None, version: int | None = None) -> ApprovalRequest:
    """SPEC T-05 + T-18: the front desk *asks* for an extension; the service-center head decides it in his
    own login (or it is recorded as signed on paper with the scan), and beyond two weeks from acceptance
    the site director after him (`extension_decided`). Checked here whatever the form said:
    - 24-hour items: the resident's consent (and then the head's signature);
    - order/security and cleaning orders: only when the resident caused the delay;
    - a new deadline beyond two weeks from acceptance needs the site director too (our choice: for every item).
    A head (or director) who asks signs by asking: his own step is approved at once in his own login.
    Returns the request (approved already when the asker could sign)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(user is None or permissions.can_request_extension(user, order),
            _("Only the front desk asks for an extension."))
    _extension_rules(order, new_due_at=new_due_at, reason=reason, resident_consent=resident_consent,
                     resident_caused=resident_caused)
    deadline_stop(subject=order, code=EXTENSION_REQUEST, now=now)  # SPEC §15: the extension is applied for
    local = timezone.localtime(new_due_at)
    data = {"new_due_at": new_due_at.isoformat(), "consent": resident_consent, "consent_note": consent_note,
            "resident_caused": resident_caused, "director": new_due_at > director_limit(order)}
    return approval_request(kind=EXTENSION, subject=order, actor=user, reason=reason, data=data, now=now,
                            summary=_("Extend %(number)s to %(due)s") % {"number": order.number,
                                                                         "due": f"{local:%Y-%m-%d %H:%M}"})


def extension_request_clock_start(*, order: WorkOrder, overdue_at: datetime) -> None:
    """SPEC T-05, §15 `ticket.extension.request`: an order that went overdue at `overdue_at` (its completion
    clock breached) must have an extension applied for within the policy's limit from that moment; the clock
    stops when one is asked for (`work_order_extend`) and ends with the order's completion. Not started when
    an extension asked for earlier still waits for its signatures."""
    if order.status not in WorkOrder.OPEN_STATES or deadline_running(order, EXTENSION_REQUEST):
        return
    if approval_pending(order, [EXTENSION, EXTENSION_DIRECTOR]) is not None:
        return
    deadline_start(subject=order, code=EXTENSION_REQUEST, now=overdue_at, site_id=order.site_id)


def _extension_rules(order: WorkOrder, *, new_due_at: datetime, reason: str, resident_consent: bool,
                     resident_caused: bool) -> None:
    require(order.status in WorkOrder.OPEN_STATES, _("Only an open order can be extended."), "bad_state")
    require(bool(reason.strip()), _("Give the reason for the extension."), "reason")
    require(order.due_at is not None, _("This order has no running deadline to extend."), "no_deadline")
    require(order.due_at is not None and new_due_at > order.due_at,
            _("The new deadline must be later than the current one."), "new_due_at")
    kind = order.department.kind if order.department else order.category.department_kind
    if order.completion_policy in (CompletionPolicy.URGENT, CompletionPolicy.URGENT_WD):
        require(resident_consent, _("A 24-hour item may be extended only with the resident's consent."), "consent")
    if kind in (Department.Kind.SECURITY, Department.Kind.CLEANING):
        require(resident_caused, _("Order/security and cleaning orders may be extended only when the resident "
                                 "caused the delay."), "resident_caused")


def extension_decided(req: ApprovalRequest, approved: bool, now: datetime) -> None:
    """The head's decision (`ticket.extension`) or the director's (`ticket.extension.director`)."""
    if not approved:
        return
    order = lock(WorkOrder.objects.get(pk=req.subject_id))
    data = dict(req.data)
    new_due_at = _dt(data["new_due_at"])
    if req.kind == EXTENSION:
        data["head_id"], data["head_request"] = req.decided_by_id, req.pk
        if new_due_at > director_limit(order):
            # SPEC T-05: beyond two weeks from acceptance the site director decides after the head
            approval_request(kind=EXTENSION_DIRECTOR, subject=order, actor=req.decided_by, reason=req.reason,
                             data=data, now=now, summary=req.summary)
            return
        head, director = req.decided_by, None
    else:
        head, director = User.objects.get(pk=data["head_id"]), req.decided_by
    requester = ApprovalRequest.objects.get(pk=data.get("head_request", req.pk)).requested_by
    _extension_apply(order, requester=requester or req.decided_by, new_due_at=new_due_at, reason=req.reason,
                     head=head, director=director, data=data, now=now)


def _extension_apply(order: WorkOrder, *, requester, new_due_at: datetime, reason: str, head, director, data: dict,
                     now: datetime) -> Extension:
    _extension_rules(order, new_due_at=new_due_at, reason=reason, resident_consent=data["consent"],
                     resident_caused=data["resident_caused"])
    ext = Extension.objects.create(order=order, at=now, requested_by=requester,
                                   reason=reason, old_due_at=order.due_at,
                                   new_due_at=new_due_at, head_signed_by=head, director_signed_by=director,
                                   resident_consent=data["consent"], resident_consent_note=data["consent_note"],
                                   resident_caused=data["resident_caused"])
    old = order.due_at
    running = next((c for c in COMPLETION_CODES if deadline_running(order, c)), None)
    code = running or order.completion_policy
    deadline_start(subject=order, code=code, now=now, site_id=order.site_id, due_at=new_due_at,
                   note="extension")
    order.due_at = new_due_at
    order.extension_count += 1
    save(order, ["due_at", "extension_count"])
    WorkOrderEvent.record(order, actor=director or head, kind=E.EXTENDED, note=reason, at=now,
                          data={"changes": {"due_at": [f"{timezone.localtime(old):%Y-%m-%d %H:%M}",
                                                       f"{timezone.localtime(new_due_at):%Y-%m-%d %H:%M}"]},
                                "requested_by": requester.username if requester else None,
                                "head": head.username, "director": director.username if director else None,
                                "consent": data["consent"], "resident_caused": data["resident_caused"]})
    steps_announce(order=order, kind=E.EXTENDED, now=now, note=reason, data={"new_due_at": new_due_at})
    return ext


@transaction.atomic
def work_order_return_unresolvable(*, order: WorkOrder, actor: Actor | None, reason: str, explanation: str,
                                   now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-06: 退单 with the reason, signed by the right person, who explains it to the resident."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    role = permissions.unresolvable_signer_role(order)
    require(permissions.can_sign_unresolvable(user, order),
          _("This return must be signed by the department supervisor.") if role == Role.DEPT_SUPERVISOR
          else _("This return must be signed by the service-center head."))
    require(bool(reason.strip()), _("Give the reason the order cannot be done."), "reason")
    require(bool(explanation.strip()), _("Record how the signer explained it to the resident."), "explanation")
    refuse(order, order.return_unresolvable)
    order.return_unresolvable(reason=reason, signer=user, explanation=explanation, at=now)
    deadline_cancel(subject=order, now=now, reason="unresolvable")
    approvals_withdraw_for(subject=order, reason=_("Returned as unresolvable"), now=now)  # SPEC T-18
    save(order, ["return_reason", "return_signed_by", "explained_to_resident", "closed_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.RETURNED, note=reason, at=now, data={"explanation": explanation})
    return order


@transaction.atomic
def work_order_followup(*, order: WorkOrder, actor: Actor | None, note: str, now: datetime | None = None) -> WorkOrder:
    """SPEC T-10: CS staff record progress; the follow-up clock starts again."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order)
    require(permissions.can_front_desk(user, order), _("Only CS staff record follow-ups."))
    require(order.status in WorkOrder.OPEN_STATES, _("Only an open order is followed up."), "bad_state")
    require(bool(note.strip()), _("Write down the progress."), "note")
    if order.dispatched_at:
        deadline_start(subject=order, code=order.category.followup_policy, now=now, site_id=order.site_id)
    WorkOrderEvent.record(order, actor=user, kind=E.FOLLOWUP, note=note, at=now)
    return order


@transaction.atomic
def work_order_status_report(*, order: WorkOrder, actor: Actor | None, note: str,
                             now: datetime | None = None) -> WorkOrder:
    """SPEC T-14: the department head reports the status of an order/cleaning order to the front desk."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order)
    require(permissions.can_report_status(user, order), _("The department head reports the status."))
    require(bool(note.strip()), _("Write down the status."), "note")
    deadline_stop(subject=order, code="ticket.status.report", now=now)
    WorkOrderEvent.record(order, actor=user, kind=E.STATUS_REPORT, note=note, at=now)
    return order
