"""SPEC T-08/T-12/T-13 and CB-01: the resident's evaluation and signature, the returned receipt, rework,
the callback's outcome."""

from __future__ import annotations

import base64
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.services import callback_request
from core.deadlines import (
    deadline_start,
)
from core.errors import DomainError
from core.notifications import notification_queue
from core.service_kit import require
from core.uploads import check_image
from estates.actors import Actor
from estates.models import Department, Unit
from estates.selectors import users_with_roles
from tickets import permissions
from tickets.models import (
    CompletionPolicy,
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services._steps import PNG_MAGIC, E, S
from tickets.services.registration import as_user, lock, refuse, save, start_completion_clock


def signature_from_data_url(data_url: str) -> ContentFile | None:
    """A PNG drawn on a phone's canvas, sent as data:image/png;base64,…"""
    if not data_url:
        return None
    head, _sep, b64 = data_url.partition(",")
    require(head.startswith("data:image/png;base64"), _("The signature must be a PNG image."), "signature")
    try:
        raw = base64.b64decode(b64, validate=True)
    except ValueError:
        raise DomainError(_("The signature image is damaged."), code="signature") from None
    require(raw.startswith(PNG_MAGIC) and len(raw) < 2 * 1024 * 1024, _("The signature must be a PNG image."),
          "signature")
    try:
        return check_image(ContentFile(raw, name="signature.png"))  # issue 13: decoded and re-encoded
    except DomainError:
        raise DomainError(_("The signature image is damaged."), code="signature") from None


@transaction.atomic
def work_order_evaluate(*, order: WorkOrder, actor: Actor | None, evaluation: str, comment: str = "",
                        signer_name: str = "",
                        signed_on_paper: bool = False, signature_png: str = "", now: datetime | None = None,
                        version: int | None = None) -> WorkOrder:
    """SPEC T-08: the resident's evaluation and signature on the receipt."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_evaluate(user, order), _("You may not record the evaluation."))
    require(order.status == S.COMPLETED, _("The resident evaluates a completed job."), "bad_state")
    require(evaluation in WorkOrder.Evaluation.values, _("Choose the resident's evaluation."), "evaluation")
    order.evaluation, order.evaluation_comment = evaluation, comment
    order.signer_name, order.signed_on_paper = signer_name.strip(), signed_on_paper
    image = signature_from_data_url(signature_png)
    if image is not None:
        order.signature.save(image.name or "signature.png", image, save=False)  # a generated name
    save(order, ["evaluation", "evaluation_comment", "signer_name", "signed_on_paper", "signature"])
    WorkOrderEvent.record(order, actor=user, kind=E.EVALUATED, at=now,
                          data={"evaluation": evaluation, "paper": signed_on_paper, "drawn": image is not None})
    return order


# the states in which a resident may still evaluate the work online (P-03): after completion, also once
# the receipt is back or the callback is open
ONLINE_EVALUABLE = (S.COMPLETED, S.RETURNED, S.CALLBACK)


@transaction.atomic
def work_order_evaluate_online(*, order: WorkOrder, household_unit_id: int, site_id: int, resident_user,
                               evaluation: str, comment: str = "", now: datetime | None = None) -> WorkOrder:
    """SPEC P-03: the resident's own evaluation from the resident pages, recorded on the order.

    The portal vouches for the account (its own household, its login); this service holds the order's
    side: the order is that household's, at that site, in a state that is evaluated, and the paper
    receipt's evaluation, when there is one, stays as signed."""
    now = now or timezone.now()
    order = WorkOrder.objects.select_for_update(of=("self",)).select_related("unit", "category").get(pk=order.pk)
    require(order.unit_id == household_unit_id and order.site_id == site_id, _("Not your order."))
    require(order.status in ONLINE_EVALUABLE, _("You can evaluate once the work is completed."), "bad_state")
    require(evaluation in WorkOrder.Evaluation.values, _("Choose your evaluation."), "evaluation")
    fields = ["updated_at"]
    if not order.evaluation:
        order.evaluation, order.evaluation_comment = evaluation, comment
        fields += ["evaluation", "evaluation_comment"]
    order.save(update_fields=fields)
    WorkOrderEvent.record(order, actor=resident_user, kind=E.EVALUATED, at=now, note=comment,
                          data={"evaluation": evaluation, "online": True})
    return order


def receipt_problems(order: WorkOrder) -> list[str]:
    """SPEC T-08: what makes a returned form incomplete (missing names, times or signatures)."""
    problems = []
    if order.status != S.COMPLETED:
        problems.append(_("The department has not entered the completion."))
    if not order.arrived_at:
        problems.append(_("Arrival time is missing."))
    if not order.completed_at:
        problems.append(_("Completion time is missing."))
    if not order.work_done:
        problems.append(_("The work done is not described."))
    if order.labour_hours is None:
        problems.append(_("Labour hours are missing."))
    if order.assignee_id is None and order.category.department_kind != Department.Kind.CONTRACTOR:
        problems.append(_("The worker's name is missing."))
    if not order.evaluation:
        problems.append(_("The resident's evaluation is missing."))
    if not order.signer_name:
        problems.append(_("The signer's name is missing."))
    if not (order.signed_on_paper or order.signature):
        problems.append(_("The resident's signature is missing."))
    if order.charges.exists():
        if not order.price_told:
            problems.append(_("No confirmation that the price was told before work."))
        if not order.charges_checked_by_id:
            problems.append(_("The charges are not checked by the department supervisor."))
        if not order.charges_approved_by_id:
            problems.append(_("The charges are not approved by the CS supervisor."))
    if order.unit and order.unit.occupancy == Unit.Occupancy.NOT_MOVED_IN and order.category.department_kind == \
            Department.Kind.ENGINEERING and not order.joint_inspection_at:
        problems.append(_("Owner not moved in: the joint inspection by CS and engineering is missing (T-09)."))
    if order.category.is_contractor and not order.contractor_review:
        problems.append(_("The special contractor's review record is missing (T-12)."))
    return problems


@transaction.atomic
def work_order_receipt_refuse(*, order: WorkOrder, actor: Actor | None, reasons: list[str],
                              now: datetime | None = None) -> None:
    """SPEC T-08: the front desk refuses an incomplete form; the refusal and its reasons are kept."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order)  # issue 14.2: locked and checked like every step
    require(permissions.can_front_desk(user, order), _("Only the front desk accepts returned receipts."))
    WorkOrderEvent.record(order, actor=user, kind=E.RECEIPT_REFUSED, note="；".join(reasons), at=now,
                          data={"reasons": reasons})


def _callback_request(order: WorkOrder, user, now: datetime) -> None:
    """CB-01: ask the callbacks app for a callback within 1 working day of the form's return."""
    report = f"{order.work_done}（{order.get_evaluation_display()}）" if order.evaluation else order.work_done
    callback_request(subject=order, site_id=order.site_id, kind="ticket", policy_code="ticket.callback", now=now,
                     actor=user, unit=order.unit, resident=order.resident, resident_name=order.reporter_name,
                     phone=order.phone, summary=f"{order.number} {order.category.name}：{order.content[:100]}",
                     department_report=report)


@transaction.atomic
def work_order_receipt_accept(*, order: WorkOrder, actor: Actor | None, now: datetime | None = None,
                              version: int | None = None) -> WorkOrder:
    """SPEC T-08: the front desk accepts a complete receipt; the callback is due (CB-01)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_front_desk(user, order), _("Only the front desk accepts returned receipts."))
    refuse(order, order.accept_receipt)
    problems = receipt_problems(order)
    if problems:
        raise DomainError(_("The receipt is incomplete: %(p)s") % {"p": "；".join(problems)}, code="incomplete")
    order.accept_receipt(at=now)
    WorkOrderEvent.record(order, actor=user, kind=E.RECEIPT_ACCEPTED, at=now)
    _callback_request(order, user, now)
    order.await_callback()
    WorkOrderEvent.record(order, actor=user, kind=E.CALLBACK_REQUESTED, at=now)
    save(order, ["returned_at"])
    return order


@transaction.atomic
def work_order_rework(*, order: WorkOrder, actor: Actor | None, reason: str, now: datetime | None = None,
                      version: int | None = None) -> WorkOrder:
    """SPEC T-08: an unqualified job goes back to the department for rework, counted as rework."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(user is None or permissions.can_front_desk(user, order), _("Only the front desk sends work back."))
    require(bool(reason.strip()), _("Say what is not right."), "reason")
    refuse(order, order.send_rework)
    order.send_rework()
    order.evaluation, order.signer_name, order.signed_on_paper = "", "", False
    policy = order.completion_policy
    if policy in (CompletionPolicy.SUPERVISOR, CompletionPolicy.AGREEMENT):
        order.completion_policy = CompletionPolicy.NORMAL  # our choice: a rework runs 3 working days
    start_completion_clock(order, now)
    if order.category.followup_policy:
        deadline_start(subject=order, code=order.category.followup_policy, now=now, site_id=order.site_id)
    save(order, ["rework_count", "completed_at", "returned_at", "evaluation", "signer_name", "signed_on_paper",
                 "completion_policy", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.REWORK, note=reason, at=now,
                          data={"rework_count": order.rework_count})
    if order.department_id:
        recipients = list(users_with_roles(site_id=order.site_id, roles=["dept_supervisor", "security_supervisor"])
                          .filter(staff__department_id=order.department_id))
        notification_queue(recipients=recipients, title=_("Rework: %(n)s") % {"n": order.number}, body=reason,
                           url=order.get_absolute_url(), kind="alert", site_id=order.site_id, subject=order,
                           dedupe_key=f"wo:{order.pk}:rework:{order.rework_count}")
    return order


@transaction.atomic
def work_order_callback_outcome(*, order: WorkOrder, result: str, actor: Actor | None = None,
                                now: datetime | None = None,
                                note: str = "") -> WorkOrder:
    """CB outcome (T-08): unsatisfied → rework; satisfied / basically → close (warranty: re-inspection first,
    T-16); unreachable → closed (CB-02 closes the callback as unreachable)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order)
    WorkOrderEvent.record(order, actor=user, kind=E.CALLBACK_RESULT, note=note, at=now, data={"result": result})
    if order.status not in (S.RETURNED, S.CALLBACK):
        return order  # e.g. a sampling re-visit of an order closed long ago
    if result == "unsatisfied":
        order.send_rework()
        start_completion_clock(order, now)
        save(order, ["rework_count", "completed_at", "returned_at", "due_at"])
        WorkOrderEvent.record(order, actor=user, kind=E.REWORK, note=_("Unsatisfied at callback"), at=now,
                              data={"rework_count": order.rework_count})
        return order
    if order.is_warranty and not order.reinspected_at:
        order.await_reinspection()
        save(order, [])
        return order
    order.close(at=now)
    save(order, ["closed_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.CLOSED, at=now)
    return order
