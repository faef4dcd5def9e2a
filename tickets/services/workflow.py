"""After dispatch: on site, completion entry, receipt, rework, extension, 退单, follow-ups,
agreements, developer warranty (SPEC T-05..T-16)."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.services import callback_request
from core import numbers
from core.deadlines import (
    compute_due,
    deadline_cancel,
    deadline_running,
    deadline_start,
    deadline_stop,
    policy_for,
    policy_limit,
)
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import require
from core.uploads import IMAGE, PDF, check_file, check_image
from estates.models import Department, Staff, Unit
from estates.selectors import users_with_roles
from tickets import permissions
from tickets.hooks import steps_announce
from tickets.models import (
    Charge,
    CompletionPolicy,
    Extension,
    Material,
    PriceItem,
    WorkOrder,
    WorkOrderEvent,
)
from tickets.services.registration import COMPLETION_CODES, as_user, lock, refuse, save, start_completion_clock

S = WorkOrder.Status
E = WorkOrderEvent.Kind
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _dec(value, field: str, bound: numbers.Bound = numbers.QUANTITY) -> Decimal:
    """Issue 13.3: a finite decimal within its bound, or a DomainError (nothing is written)."""
    return numbers.bounded_decimal(value, bound, str(field))


@transaction.atomic
def work_order_arrive(*, order: WorkOrder, actor, at: datetime | None = None, now: datetime | None = None,
                      version: int | None = None) -> WorkOrder:
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_work(user, order), _("You may not work on this order."))
    refuse(order, order.arrive)
    order.arrive(at=at or now)
    save(order, ["arrived_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.ARRIVED, at=now)
    steps_announce(order=order, kind=E.ARRIVED, now=now)
    return order


@transaction.atomic
def work_order_complete(*, order: WorkOrder, actor, arrived_at: datetime, finished_at: datetime, cause: str,
                        work_done: str, labour_hours, prep_hours=0, materials=(), charges=(),
                        price_told: bool = False, now: datetime | None = None,
                        version: int | None = None) -> WorkOrder:
    """SPEC T-07: the worker's completion entry. `materials`: [(name, qty, unit)],
    `charges`: [(PriceItem, qty)] from the price list or [(kind, description, qty, unit_price)] for
    separately charged materials and labour. Emergencies are entered after the work (T-03)."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_work(user, order), _("You may not work on this order."))
    refuse(order, order.complete)
    require(arrived_at <= finished_at, _("The completion time is before the arrival time."), "times")
    require(finished_at <= now + timedelta(minutes=5), _("The completion time is in the future."), "times")
    # paper forms record minutes: compare at minute precision
    require(arrived_at >= order.received_at.replace(second=0, microsecond=0),
          _("The arrival time is before the order was received."), "times")
    require(bool(work_done.strip()), _("Describe the work done."), "work_done")
    labour = _dec(labour_hours, _("Labour hours"), numbers.HOURS)
    prep = _dec(prep_hours or 0, _("Preparation hours"), numbers.HOURS)
    require(labour > 0, _("Enter the labour hours."), "labour_hours")
    rows = []
    for ch in charges:
        if isinstance(ch[0], PriceItem):
            item, qty = ch[0], _dec(ch[1], _("Quantity"))
            require(item.site_id in (None, order.site_id) and item.is_active,
                  _("This price is not on the site's price list."), "price_item")
            amount = (item.price * qty).quantize(Decimal("0.01"))
            rows.append(Charge(order=order, kind=Charge.Kind.SERVICE, price_item=item, description=item.name,
                               quantity=qty, unit_price=item.price, amount=amount))
        else:
            kind, desc, qty, unit_price = ch
            qty, unit_price = _dec(qty, _("Quantity")), _dec(unit_price, _("Unit price"), numbers.PRICE)
            rows.append(Charge(order=order, kind=kind, description=desc, quantity=qty, unit_price=unit_price,
                               amount=(qty * unit_price).quantize(Decimal("0.01"))))
    if rows:
        # SPEC T-07: the resident is told the amount before work starts
        require(price_told, _("Paid service: confirm the resident was told the price before work started."),
              "price_told")
    order.arrived_at = arrived_at
    order.complete(at=finished_at)
    order.cause, order.work_done, order.labour_hours, order.prep_hours = cause, work_done, labour, prep
    order.price_told = price_told
    order.charges.all().delete()
    order.materials.all().delete()
    Charge.objects.bulk_create(rows)
    Material.objects.bulk_create([Material(order=order, name=n, quantity=_dec(q, _("Quantity")), unit=u)
                                  for n, q, u in materials if n])
    order.charges_checked_by = order.charges_approved_by = None
    deadline_stop(subject=order, code=[*COMPLETION_CODES, "ticket.status.report"], now=now)
    deadline_cancel(subject=order, code=["ticket.followup.engineering", "ticket.followup.property",
                                         "ticket.emergency.dispatch"], now=now, reason="completed")
    save(order, ["arrived_at", "completed_at", "cause", "work_done", "labour_hours", "prep_hours", "price_told",
                 "charges_checked_by", "charges_approved_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.COMPLETED, at=now,
                          data={"charges": str(sum((r.amount for r in rows), Decimal("0.00")))})
    steps_announce(order=order, kind=E.COMPLETED, now=now)
    return order


@transaction.atomic
def work_order_charges_check(*, order: WorkOrder, actor, now: datetime | None = None,
                             version: int | None = None) -> WorkOrder:
    """SPEC T-07: the engineering supervisor checks the amount."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_check_charges(user, order), _("Only the department supervisor checks charges."))
    require(order.charges.exists(), _("This order has no charges."), "no_charges")
    order.charges_checked_by = user
    save(order, ["charges_checked_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.CHARGES_CHECKED, at=now)
    return order


@transaction.atomic
def work_order_charges_approve(*, order: WorkOrder, actor, now: datetime | None = None,
                               version: int | None = None) -> WorkOrder:
    """SPEC T-07: the CS supervisor approves the checked amount."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_approve_charges(user, order), _("Only the CS supervisor approves charges."))
    require(order.charges_checked_by_id is not None, _("The department supervisor must check the charges first."),
          "not_checked")
    order.charges_approved_by = user
    save(order, ["charges_approved_by"])
    WorkOrderEvent.record(order, actor=user, kind=E.CHARGES_APPROVED, at=now,
                          data={"total": str(order.charges_total)})
    return order


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
def work_order_evaluate(*, order: WorkOrder, actor, evaluation: str, comment: str = "", signer_name: str = "",
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
def work_order_receipt_refuse(*, order: WorkOrder, actor, reasons: list[str], now: datetime | None = None) -> None:
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
def work_order_receipt_accept(*, order: WorkOrder, actor, now: datetime | None = None,
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
def work_order_rework(*, order: WorkOrder, actor, reason: str, now: datetime | None = None,
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


def director_limit(order: WorkOrder) -> datetime:
    """SPEC T-05: two weeks from acceptance, from the policy table (`ticket.extension.director`)."""

    return compute_due(policy_for("ticket.extension.director", order.site_id), order.received_at,
                       site_id=order.site_id)


@transaction.atomic
def work_order_extend(*, order: WorkOrder, actor, new_due_at: datetime, reason: str, head=None, director=None,
                      resident_consent: bool = False, consent_note: str = "", resident_caused: bool = False,
                      now: datetime | None = None, version: int | None = None) -> Extension:
    """SPEC T-05, re-checked here whatever the form said:
    - 24-hour items: the service-center head's signature AND the resident's consent;
    - order/security and cleaning orders: only when the resident caused the delay, signed by the head;
    - other items (3 working days, …): the head; a new deadline beyond two weeks from acceptance needs
      the site director (our choice: that two-week rule applies to every item).
    """
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    head, director = as_user(head), as_user(director)
    require(user is None or permissions.can_front_desk(user, order), _("Only the front desk extends deadlines."))
    require(order.status in WorkOrder.OPEN_STATES, _("Only an open order can be extended."), "bad_state")
    require(bool(reason.strip()), _("Give the reason for the extension."), "reason")
    require(order.due_at is not None, _("This order has no running deadline to extend."), "no_deadline")
    require(order.due_at is not None and new_due_at > order.due_at,
            _("The new deadline must be later than the current one."), "new_due_at")
    require(head is not None and permissions.is_center_head(head, order),
          _("An extension needs the service-center head's signature."), "head")
    kind = order.department.kind if order.department else order.category.department_kind
    if order.completion_policy in (CompletionPolicy.URGENT, CompletionPolicy.URGENT_WD):
        require(resident_consent, _("A 24-hour item may be extended only with the resident's consent."), "consent")
    if kind in (Department.Kind.SECURITY, Department.Kind.CLEANING):
        require(resident_caused, _("Order/security and cleaning orders may be extended only when the resident "
                                 "caused the delay."), "resident_caused")
    if new_due_at > director_limit(order):
        require(director is not None and permissions.is_site_director(director, order),
              _("Beyond %(limit)s from acceptance the site director must approve.")
              % {"limit": policy_limit("ticket.extension.director", order.site_id)}, "director")
    ext = Extension.objects.create(order=order, at=now, requested_by=user,  # type: ignore[misc]  # the front desk
                                   reason=reason, old_due_at=order.due_at,
                                   new_due_at=new_due_at, head_signed_by=head, director_signed_by=director,
                                   resident_consent=resident_consent, resident_consent_note=consent_note,
                                   resident_caused=resident_caused)
    old = order.due_at
    running = next((c for c in COMPLETION_CODES if deadline_running(order, c)), None)
    code = running or order.completion_policy
    deadline_start(subject=order, code=code, now=now, site_id=order.site_id, due_at=new_due_at,
                   note="extension")
    order.due_at = new_due_at
    order.extension_count += 1
    save(order, ["due_at", "extension_count"])
    WorkOrderEvent.record(order, actor=user, kind=E.EXTENDED, note=reason, at=now,
                          data={"changes": {"due_at": [f"{timezone.localtime(old):%Y-%m-%d %H:%M}",
                                                       f"{timezone.localtime(new_due_at):%Y-%m-%d %H:%M}"]},
                                "head": head.username, "director": director.username if director else None,
                                "consent": resident_consent, "resident_caused": resident_caused})
    steps_announce(order=order, kind=E.EXTENDED, now=now, note=reason, data={"new_due_at": new_due_at})
    return ext


@transaction.atomic
def work_order_return_unresolvable(*, order: WorkOrder, actor, reason: str, explanation: str,
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
    save(order, ["return_reason", "return_signed_by", "explained_to_resident", "closed_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.RETURNED, note=reason, at=now, data={"explanation": explanation})
    return order


@transaction.atomic
def work_order_followup(*, order: WorkOrder, actor, note: str, now: datetime | None = None) -> WorkOrder:
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
def work_order_status_report(*, order: WorkOrder, actor, note: str, now: datetime | None = None) -> WorkOrder:
    """SPEC T-14: the department head reports the status of an order/cleaning order to the front desk."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order)
    require(permissions.can_report_status(user, order), _("The department head reports the status."))
    require(bool(note.strip()), _("Write down the status."), "note")
    deadline_stop(subject=order, code="ticket.status.report", now=now)
    WorkOrderEvent.record(order, actor=user, kind=E.STATUS_REPORT, note=note, at=now)
    return order


@transaction.atomic
def work_order_agreement_record(*, order: WorkOrder, actor, agreement_no: str, due_at: datetime, file=None,
                                signed_at: datetime | None = None, now: datetime | None = None,
                                version: int | None = None) -> WorkOrder:
    """SPEC T-04/T-15: a signed agreement sets the completion deadline and the return date."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_agreement(user, order), _("You may not record agreements."))
    require(order.status in WorkOrder.OPEN_STATES, _("Only an open order takes an agreement."), "bad_state")
    require(bool(agreement_no.strip()), _("Enter the agreement number."), "agreement_no")
    require(due_at > now, _("The agreed completion date must be in the future."), "due_at")
    order.agreement_no, order.agreement_signed_at = agreement_no.strip(), signed_at or now
    if file is not None:
        order.agreement_file = check_file(file, (PDF, IMAGE))  # issue 13: by content, generated name
    order.completion_policy = CompletionPolicy.AGREEMENT
    start_completion_clock(order, now, due_at=due_at)
    # SPEC T-15: back before the month end; how many days before is policy data (ticket.agreement.return)
    deadline_start(subject=order, code="ticket.agreement.return", now=now, site_id=order.site_id)
    save(order, ["agreement_no", "agreement_signed_at", "agreement_file", "completion_policy", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.AGREEMENT, note=agreement_no, at=now)
    return order


@transaction.atomic
def work_order_agreement_return(*, order: WorkOrder, actor, within_agreement_by=None,
                                now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-15: returned with the agreement before month end; unfinished → the head signs "within agreement"."""
    now = now or timezone.now()
    order = lock(order, version)
    require(actor is None or permissions.can_record_agreement(as_user(actor), order),
          _("You may not record agreements."))
    require(bool(order.agreement_no), _("This order has no agreement."), "agreement")
    if order.status in WorkOrder.OPEN_STATES:
        signer = as_user(within_agreement_by)
        require(signer is not None and permissions.is_center_head(signer, order),
              _("An unfinished agreement order needs the service-center head's “within agreement” sign-off."),
              "within_agreement")
        order.within_agreement_by = signer
        save(order, ["within_agreement_by"])
        WorkOrderEvent.record(order, actor=signer, kind=E.WITHIN_AGREEMENT, at=now)
    deadline_stop(subject=order, code="ticket.agreement.return", now=now)
    return order


@transaction.atomic
def work_order_route_developer(*, order: WorkOrder, actor, due_at: datetime, note: str = "",
                               now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-16: a verified warranty defect (major) goes to the developer with a deadline."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_route_to_developer(user, order), _("You may not route orders to the developer."))
    require(due_at > now, _("The developer's deadline must be in the future."), "due_at")
    refuse(order, order.route_to_developer)
    order.route_to_developer()
    deadline_cancel(subject=order, code=[*COMPLETION_CODES, "ticket.emergency.dispatch"], now=now,
                    reason="developer")
    deadline_start(subject=order, code="ticket.developer.repair", now=now, site_id=order.site_id, due_at=due_at)
    order.due_at = due_at
    save(order, ["is_warranty", "warranty_route", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.DEVELOPER, note=note, at=now)
    return order


@transaction.atomic
def work_order_developer_repaired(*, order: WorkOrder, actor, note: str = "", now: datetime | None = None,
                                  version: int | None = None) -> WorkOrder:
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_agreement(user, order), _("You may not record the developer's repair."))
    refuse(order, order.developer_repaired)
    order.developer_repaired(at=now)
    deadline_stop(subject=order, code="ticket.developer.repair", now=now)
    save(order, ["completed_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.DEVELOPER_DONE, note=note, at=now)
    return order


@transaction.atomic
def work_order_reinspect(*, order: WorkOrder, actor, passed: bool, note: str, new_due_at: datetime | None = None,
                         now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-16: a warranty order closes only after re-inspection; a failed one goes back."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_reinspect(user, order), _("You may not re-inspect."))
    require(order.status == S.REINSPECTION, _("This order is not waiting for re-inspection."), "bad_state")
    require(bool(note.strip()), _("Record what the re-inspection found."), "note")
    WorkOrderEvent.record(order, actor=user, kind=E.REINSPECTED, note=note, at=now, data={"passed": passed})
    if passed:
        order.reinspected_at, order.reinspected_by = now, user
        order.close(at=now)
        save(order, ["reinspected_at", "reinspected_by", "closed_at"])
        WorkOrderEvent.record(order, actor=user, kind=E.CLOSED, at=now)
        return order
    if order.warranty_route == "developer":
        require(new_due_at is not None and new_due_at > now, _("Give the developer a new deadline."), "due_at")
        order.route_to_developer()
        deadline_start(subject=order, code="ticket.developer.repair", now=now, site_id=order.site_id,
                       due_at=new_due_at)
        order.due_at = new_due_at
        save(order, ["due_at"])
        return order
    # in-house repair at the contractor's cost: back to the department
    order.send_rework()
    start_completion_clock(order, now)
    save(order, ["rework_count", "completed_at", "returned_at", "due_at"])
    WorkOrderEvent.record(order, actor=user, kind=E.REWORK, note=note, at=now)
    return order


@transaction.atomic
def work_order_joint_inspection(*, order: WorkOrder, actor, cs_staff: Staff, engineer: Staff, note: str,
                                at: datetime | None = None, now: datetime | None = None,
                                version: int | None = None) -> WorkOrder:
    """SPEC T-09: owner not moved in → CS staff and an engineer inspect together on the owner's behalf."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_inspection(user, order), _("You may not record the joint inspection."))
    require(cs_staff.pk != engineer.pk, _("The joint inspection needs two different people."), "same_person")
    require(cs_staff.site_id == order.site_id and engineer.site_id == order.site_id,
          _("Both inspectors must belong to this site."), "site")
    require(engineer.department is not None and engineer.department.kind == Department.Kind.ENGINEERING,
          _("One inspector must be an engineer."), "engineer")
    require(engineer.department_id is None or cs_staff.department is None or
          cs_staff.department.kind == Department.Kind.CUSTOMER_SERVICE,
          _("One inspector must be customer-service staff."), "cs")
    require(bool(note.strip()), _("Record the findings."), "note")
    order.joint_inspection_at, order.joint_inspection_note = at or now, note
    order.joint_inspection_cs, order.joint_inspection_engineer = cs_staff, engineer
    save(order, ["joint_inspection_at", "joint_inspection_note", "joint_inspection_cs", "joint_inspection_engineer"])
    WorkOrderEvent.record(order, actor=user, kind=E.JOINT_INSPECTION, note=note, at=now,
                          data={"cs": cs_staff.name, "engineer": engineer.name})
    return order


@transaction.atomic
def work_order_contractor_review(*, order: WorkOrder, actor, contractor_name: str, review: str,
                                 now: datetime | None = None, version: int | None = None) -> WorkOrder:
    """SPEC T-12: the special contractor's review record is kept."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    require(permissions.can_record_inspection(user, order), _("You may not record the contractor review."))
    require(order.category.is_contractor, _("This is not a special-contractor order."), "not_contractor")
    require(bool(review.strip()) and bool(contractor_name.strip()), _("Name the contractor and record the review."),
          "review")
    order.contractor_name, order.contractor_review = contractor_name, review
    save(order, ["contractor_name", "contractor_review"])
    WorkOrderEvent.record(order, actor=user, kind=E.CONTRACTOR_REVIEW, note=review, at=now)
    return order


@transaction.atomic
def work_order_callback_outcome(*, order: WorkOrder, result: str, actor=None, now: datetime | None = None,
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
