"""Registration, numbering, dispatch and cancel (SPEC T-01..T-04)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.approvals import approvals_withdraw_for
from core.deadlines import compute_due, deadline_cancel, deadline_start, deadline_stop, policy_for, policy_limit
from core.errors import ConflictError, DomainError
from core.notifications import notification_queue
from core.numbering import day_period, number_take
from core.service_kit import as_user, refuse_state
from core.uploads import check_image
from estates.actors import Actor
from estates.models import Department, Resident, Staff, Unit
from estates.selectors import users_with_roles
from tickets import permissions
from tickets.hooks import steps_announce
from tickets.models import Category, CompletionPolicy, WorkOrder, WorkOrderEvent, WorkOrderPhoto
from tickets.printing import schedule_prerender

COMPLETION_CODES = [c.value for c in CompletionPolicy]


def lock(order: WorkOrder, version: int | None = None) -> WorkOrder:
    """Lock the row; with `version` (from the form) refuse a stale edit (optimistic concurrency)."""
    locked = (WorkOrder.objects.select_for_update(of=("self",))
              .select_related("category", "department", "unit", "site").get(pk=order.pk))
    if version is not None and int(version) != locked.version:
        raise ConflictError()
    return locked


def save(order: WorkOrder, fields: Iterable[str]) -> None:
    order.version += 1
    order.save(update_fields=[*set(fields), "status", "version", "updated_at"])
    schedule_prerender(order)  # the printed form follows every change, rendered ahead after commit


def refuse(order: WorkOrder, transition) -> None:
    if not can_proceed(transition):
        refuse_state(order, transition, _("This step is not possible while the order is “%(status)s”.")
                     % {"status": order.get_status_display()})


def next_number(site, at: datetime) -> str:
    """SPEC T-02: BS-YYYYMMDD-NNNN, gapless per site and day (core.numbering: the counter row stays
    locked until commit, so take it last)."""
    period = day_period(at)
    prefix = f"BS-{period}-"

    def seed() -> int:  # orders numbered before the shared counter existed
        last = (WorkOrder.objects.filter(site=site, number__startswith=prefix)
                .order_by("-number").values_list("number", flat=True).first())
        return int(last.rsplit("-", 1)[1]) if last else 0

    n = number_take(site_id=site.pk, series="BS", period=period, seed=seed)
    return f"{prefix}{n:04d}"


def pending_number() -> str:
    """A placeholder unique to this transaction until the real number is taken just before commit."""
    return "~" + uuid.uuid4().hex[:19]


def department_for(site, category: Category) -> Department | None:
    return Department.objects.filter(site=site, kind=category.department_kind).order_by("pk").first()


def check_photo(photo):
    """SPEC X-03, issue 13: a photo is judged by its content and re-encoded (core.uploads)."""
    return check_image(photo)


def start_completion_clock(order: WorkOrder, now: datetime, due_at: datetime | None = None, *,
                           fresh: bool = False) -> None:
    """SPEC T-04: the category's completion policy, computed once by the engine; the order keeps a copy.
    `fresh`: the order was registered in this transaction (no clock to restart)."""
    code = order.completion_policy or order.category.completion_policy
    deadline = deadline_start(subject=order, code=code, now=now, site_id=order.site_id, due_at=due_at, fresh=fresh)
    order.due_at = deadline.due_at


def check_agreed_cleaning(site, category: Category, due_at: datetime, received: datetime) -> None:
    """SPEC T-04: move-in cleaning is due the same day, or on a date agreed with the resident at
    registration: after the call and no later than the policy `ticket.cleaning.agreed` allows."""
    if category.completion_policy != CompletionPolicy.CLEANING:
        raise DomainError(_("An agreed date applies to move-in cleaning only."), code="due_at")
    if due_at <= received:
        raise DomainError(_("The agreed date must be after the request was received."), code="due_at")
    latest = compute_due(policy_for("ticket.cleaning.agreed", site.pk), received, site_id=site.pk)
    if due_at > latest:
        raise DomainError(_("Agree a date within %(limit)s, or register it as a paid service with an agreement.")
                          % {"limit": policy_limit("ticket.cleaning.agreed", site.pk)}, code="due_at")


@transaction.atomic
def work_order_register(*, site, category: Category, content: str, actor: Actor | None, now: datetime | None = None,
                        unit: Unit | None = None, resident: Resident | None = None, reporter_name: str = "",
                        phone: str = "", channel: str = WorkOrder.Channel.PHONE, location: str = "",
                        photos=(), is_emergency: bool | None = None, due_at: datetime | None = None,
                        is_warranty: bool = False, received_at: datetime | None = None,
                        registered_late: bool = False) -> WorkOrder:
    """SPEC T-01: register a request (or a staff member's public-area finding) and start its clocks.
    `due_at`: the date agreed for move-in cleaning (T-04). `received_at` + `registered_late`: work done
    first and registered afterwards (T-03, `work_order_register_late`): the clocks run from the real call."""
    now = now or timezone.now()
    received = received_at or now
    user = as_user(actor)
    if user is not None and not permissions.can_register(user, site.pk):
        raise DomainError(_("You may not register work orders at this site."), code="not_allowed")
    if not content.strip():
        raise DomainError(_("Describe the request."), code="content")
    if unit is not None and unit.site_id != site.pk:
        raise DomainError(_("This unit belongs to another site."), code="unit")
    if resident is not None:
        if resident.site_id != site.pk:
            raise DomainError(_("This resident belongs to another site."), code="resident")
        unit = unit or resident.unit
        reporter_name = reporter_name or resident.name
        phone = phone or resident.phone
    if unit is None and not location.strip():
        raise DomainError(_("Give the unit or, for a public area, the location."), code="location")
    if not category.is_active:
        raise DomainError(_("This category is no longer in use."), code="category")
    if due_at is not None:
        check_agreed_cleaning(site, category, due_at, received)
    photos = [check_photo(photo) for photo in photos]
    order = WorkOrder(
        site=site, number=pending_number(), unit=unit, resident=resident, reporter_name=reporter_name,
        phone=phone, channel=channel, location=location, category=category, content=content.strip(),
        is_emergency=category.is_emergency if is_emergency is None else is_emergency,
        receiver=user, received_at=received, completion_policy=category.completion_policy,
        registered_late=registered_late,
        department=department_for(site, category), is_warranty=is_warranty,
        warranty_route="in_house" if is_warranty else "",
    )
    if unit is not None:
        order.zone_id = unit.building.zone_id  # no query when the form read the unit with its building
    order.save()
    for photo in photos:
        WorkOrderPhoto.objects.create(order=order, file=photo, uploaded_by=user)
    if order.is_emergency:  # SPEC T-03: dispatched within 3 minutes of receipt
        deadline_start(subject=order, code="ticket.emergency.dispatch", now=received, site_id=site.pk, fresh=True)
    # SPEC T-04: the clock runs from acceptance; supervisor-set and agreement clocks start later with their date
    if category.completion_policy in (CompletionPolicy.SUPERVISOR, CompletionPolicy.AGREEMENT):
        pass
    elif category.completion_policy == CompletionPolicy.CLEANING and due_at is not None:
        start_completion_clock(order, received, due_at=due_at, fresh=True)  # "as agreed"
    else:
        start_completion_clock(order, received, fresh=True)
    kind = WorkOrderEvent.Kind.REGISTERED_LATE if registered_late else WorkOrderEvent.Kind.REGISTERED
    WorkOrderEvent.record(order, actor=user, kind=kind, at=now,
                          data={"channel": channel, "category": category.code, "received_at": received.isoformat(),
                                **({"agreed_due_at": due_at.isoformat()} if due_at else {})})
    order.number = next_number(site, now)  # last: the per-site counter row stays locked until commit
    order.save(update_fields=["due_at", "number"])
    if order.is_emergency and not registered_late:  # worked already: nobody is alarmed about the past
        recipients = list(users_with_roles(site_id=site.pk, roles=["dept_supervisor", "cs_supervisor",
                                                                      "security_supervisor"]))
        notification_queue(recipients=recipients, title=_("Emergency: %(n)s") % {"n": order.number},
                           body=order.content[:200], url=order.get_absolute_url(), kind="alert", site_id=site.pk,
                           subject=order, dedupe_key=f"wo:{order.pk}:emergency")
    schedule_prerender(order)
    return order


@transaction.atomic
def work_order_dispatch(*, order: WorkOrder, actor: Actor | None, department: Department | None = None,
                        assignee: Staff | None = None,
                        due_at: datetime | None = None, contractor_name: str = "", now: datetime | None = None,
                        version: int | None = None) -> WorkOrder:
    """SPEC T-03 (work only from a dispatched order), T-04 (supervisor-set deadline), T-10, T-14."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    if user is not None and not permissions.can_dispatch(user, order):
        raise DomainError(_("You may not dispatch this order."), code="not_allowed")
    refuse(order, order.dispatch)
    department = department or order.department or department_for(order.site, order.category)
    if department is None or department.site_id != order.site_id:
        raise DomainError(_("Choose the department of this site that does the work."), code="department")
    if assignee is not None and assignee.site_id != order.site_id:
        raise DomainError(_("The worker belongs to another site."), code="assignee")
    if assignee is not None and (assignee.department_id != department.pk or not assignee.is_active):
        # issue 20.4: only the chosen department's own (active) people take its orders
        raise DomainError(_("%(name)s is not in %(department)s: choose one of its workers.")
                          % {"name": assignee.name, "department": department.name}, code="assignee")
    cat = order.category
    if cat.needs_agreement and not order.agreement_signed_at:
        # SPEC T-15: paid order/cleaning work needs the signed agreement before work starts
        raise DomainError(_("Record the signed agreement before dispatching a paid service."), code="agreement")
    if cat.is_contractor and not (contractor_name or order.contractor_name):
        raise DomainError(_("Name the special contractor (T-12)."), code="contractor")
    if order.completion_policy == CompletionPolicy.SUPERVISOR:
        if due_at is None:
            raise DomainError(_("Set the completion deadline for this internal job."), code="due_at")
        if due_at <= now:
            raise DomainError(_("The deadline must be in the future."), code="due_at")
        latest = compute_due(policy_for("ticket.supervisor.max", order.site_id), now, site_id=order.site_id)
        if user is not None and due_at > latest:  # SPEC T-04: a typed date, bounded (a plan may set its own)
            raise DomainError(_("Set a deadline within %(limit)s.")
                              % {"limit": policy_limit("ticket.supervisor.max", order.site_id)}, code="due_at")
    order.dispatch(department=department, at=now, assignee=assignee)
    if contractor_name:
        order.contractor_name = contractor_name
    deadline_stop(subject=order, code="ticket.emergency.dispatch", now=now)  # SPEC T-03
    if order.completion_policy == CompletionPolicy.SUPERVISOR:
        start_completion_clock(order, now, due_at=due_at)
    deadline_start(subject=order, code=cat.followup_policy, now=now, site_id=order.site_id)  # SPEC T-10
    if department.kind in (Department.Kind.SECURITY, Department.Kind.CLEANING):
        deadline_start(subject=order, code="ticket.status.report", now=now, site_id=order.site_id)  # SPEC T-14
    save(order, ["department", "assignee", "dispatched_at", "due_at", "contractor_name"])
    WorkOrderEvent.record(order, actor=user, kind=WorkOrderEvent.Kind.DISPATCHED, at=now,
                          data={"department": department.name, "assignee": assignee.name if assignee else None,
                                "due_at": order.due_at.isoformat() if order.due_at else None})
    steps_announce(order=order, kind=WorkOrderEvent.Kind.DISPATCHED, now=now)  # e.g. the resident (portal)
    recipients = [assignee.user] if assignee else list(
        users_with_roles(site_id=order.site_id, roles=["dept_supervisor", "security_supervisor"]).filter(
            staff__department=department))
    notification_queue(recipients=recipients, title=_("Work order %(n)s dispatched") % {"n": order.number},
                       body=order.content[:200], url=order.get_absolute_url(), kind="info", site_id=order.site_id,
                       subject=order, dedupe_key=f"wo:{order.pk}:dispatch:{order.version}")
    return order


@transaction.atomic
def work_order_cancel(*, order: WorkOrder, actor: Actor | None, reason: str, now: datetime | None = None,
                      version: int | None = None) -> WorkOrder:
    """Nothing is deleted (SPEC X-01): cancel with a required reason, clocks cancelled."""
    now = now or timezone.now()
    user = as_user(actor)
    order = lock(order, version)
    if user is not None and not permissions.can_front_desk(user, order):
        raise DomainError(_("Only the front desk or CS supervision may cancel an order."), code="not_allowed")
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason")
    refuse(order, order.cancel)
    order.cancel(reason=reason.strip(), at=now)
    deadline_cancel(subject=order, now=now, reason="cancelled")
    approvals_withdraw_for(subject=order, reason=_("The order was cancelled"), now=now)  # SPEC T-18
    save(order, ["cancel_reason", "closed_at"])
    WorkOrderEvent.record(order, actor=user, kind=WorkOrderEvent.Kind.CANCELLED, note=reason, at=now)
    return order
