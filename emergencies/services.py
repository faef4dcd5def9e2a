"""Emergencies, drills and supplies (SPEC E-01, E-02): every rule lives here and re-checks its permission."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.selectors import complaint_by_number
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.numbering import number_take
from core.roles import Role
from emergencies import permissions as perm
from emergencies.models import (
    Drill,
    DrillPeriod,
    DutyMember,
    EmergencyEvent,
    SupplyCheck,
    SupplyItem,
    TimelineEntry,
)
from estates.models import Site
from estates.selectors import users_with_roles
from tickets.selectors import work_order_by_number

DRILL_CLOCK = "drill.plan"


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _staff_here(staff_list, site_id: int) -> list:
    staff_list = list(staff_list or [])
    _need(all(s.site_id == site_id for s in staff_list), _("Every team member must work at this site."), "team")
    return staff_list


# ---- E-01 events
@transaction.atomic
def emergency_open(*, site, kind: str, title: str, location: str, started_at: datetime, commander, actor: User,
                   team=(), order=None, complaint=None, now: datetime | None = None) -> EmergencyEvent:
    """Log an emergency with its commander and team; an emergency order (T-03) or complaint (C-05) can open it."""
    now = now or timezone.now()
    _need(perm.can_record(actor, site.pk), _("You may not log emergencies at this site."))
    _need(kind in EmergencyEvent.Kind.values, _("Choose what kind of emergency it is."), "kind")
    _need(bool(title.strip()) and bool(location.strip()), _("Say what happened and where."), "title")
    _need(started_at <= now, _("An emergency cannot start in the future."), "started_at")
    _need(commander is not None and commander.site_id == site.pk and perm.is_commander(commander),
          _("The commander is the service-center head (or the site director) of this site."), "commander")
    team = _staff_here(team, site.pk)
    if order is not None:
        _need(order.site_id == site.pk and order.is_emergency, _("Only an emergency work order of this site opens an "
                                                                   "emergency event."), "order")
    if complaint is not None:
        _need(complaint.site_id == site.pk and complaint.is_emergency,
              _("Only an emergency complaint of this site opens an emergency event."), "complaint")
    ev = EmergencyEvent(site=site, kind=kind, title=title.strip()[:200], location=location.strip()[:200],
                        started_at=started_at, reported_at=now, commander=commander, created_by=actor)
    seq = number_take(site_id=site.pk, series="YJ", period=str(now.year))
    ev.number = f"YJ{now.year}-{seq:03d}"
    ev.save()
    ev.team.set(team)
    if order is not None:
        ev.work_orders.add(order)
    if complaint is not None:
        ev.complaints.add(complaint)
    TimelineEntry.objects.create(event=ev, at=now, by=actor, text=_("Emergency logged; commander %(name)s")
                                 % {"name": commander.name})
    recipients = [commander.user, *users_with_roles(site_id=site.pk, roles=[Role.SITE_DIRECTOR])]
    notification_queue(recipients=recipients, title=_("Emergency %(n)s: %(t)s") % {"n": ev.number, "t": ev.title},
                       url=ev.get_absolute_url(), site_id=site.pk, subject=ev, kind="alert")
    return ev


@transaction.atomic
def emergency_timeline_add(*, event: EmergencyEvent, at: datetime, text: str, actor: User, on_scene: bool = False,
                           now: datetime | None = None) -> TimelineEntry:
    now = now or timezone.now()
    ev = _lock(EmergencyEvent, event)
    _need(perm.can_record(actor, ev.site_id), _("You may not write in this timeline."))
    _need(ev.status == EmergencyEvent.Status.OPEN, _("This emergency is closed."), "bad_state")
    _need(bool(text.strip()), _("Say what was done."), "text")
    _need(at <= now, _("The timeline cannot record the future."), "at")
    _need(at >= ev.started_at, _("The timeline cannot start before the emergency."), "at")
    entry = TimelineEntry.objects.create(event=ev, at=at, text=text.strip()[:300], on_scene=on_scene, by=actor)
    if on_scene and (ev.responded_at is None or at < ev.responded_at):
        ev.responded_at = at
        ev.save(update_fields=["responded_at", "updated_at"])
    return entry


@transaction.atomic
def emergency_link(*, event: EmergencyEvent, actor: User, order_number: str = "", complaint_number: str = "",
                   now: datetime | None = None) -> EmergencyEvent:
    """E-01: the orders and complaints the emergency caused, found by number at this site."""
    now = now or timezone.now()
    ev = _lock(EmergencyEvent, event)
    _need(perm.can_record(actor, ev.site_id), _("You may not link records to this emergency."))
    _need(bool(order_number.strip() or complaint_number.strip()), _("Enter a work order or complaint number."),
          "number")
    if order_number.strip():
        order = work_order_by_number(ev.site_id, order_number.strip())
        _need(order is not None, _("No work order %(n)s at this site.") % {"n": order_number.strip()}, "order")
        ev.work_orders.add(order)
    if complaint_number.strip():
        c = complaint_by_number(ev.site_id, complaint_number.strip())
        _need(c is not None, _("No complaint %(n)s at this site.") % {"n": complaint_number.strip()}, "complaint")
        ev.complaints.add(c)
    return ev


@transaction.atomic
def emergency_close(*, event: EmergencyEvent, followup: str, actor: User,
                    now: datetime | None = None) -> EmergencyEvent:
    now = now or timezone.now()
    ev = _lock(EmergencyEvent, event)
    _need(perm.can_close(actor, ev), _("The commander closes the emergency."))
    _need(ev.status == EmergencyEvent.Status.OPEN, _("This emergency is closed already."), "bad_state")
    _need(bool(followup.strip()), _("Record the follow-up."), "followup")
    ev.close(at=now, followup=followup.strip())
    ev.save(update_fields=["status", "closed_at", "followup", "updated_at"])
    TimelineEntry.objects.create(event=ev, at=now, by=actor, text=_("Closed"))
    return ev


# ---- E-02 duty list
@transaction.atomic
def duty_member_add(*, site, staff, duty: str, actor: User, position: int = 0) -> DutyMember:
    _need(perm.can_manage(actor, site.pk), _("You may not change the duty list of this site."))
    _need(staff.site_id == site.pk and staff.is_active, _("Choose active staff of this site."), "staff")
    _need(bool(duty.strip()), _("Give the duty (e.g. evacuation, first aid)."), "duty")
    try:
        with transaction.atomic():
            return DutyMember.objects.create(site=site, staff=staff, duty=duty.strip()[:60], position=position)
    except IntegrityError as err:
        raise DomainError(_("%(name)s is on the duty list already.") % {"name": staff.name}, code="exists") from err


@transaction.atomic
def duty_member_remove(*, member: DutyMember, actor: User) -> DutyMember:
    member = _lock(DutyMember, member)
    _need(perm.can_manage(actor, member.site_id), _("You may not change the duty list of this site."))
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    return member


# ---- E-02 drills: at least one each half year (clock drill.plan), fire and flood in the year
def half_year(d: date) -> tuple[date, date]:
    return (date(d.year, 1, 1), date(d.year, 6, 30)) if d.month <= 6 else (date(d.year, 7, 1), date(d.year, 12, 31))


def _end_of(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(23, 59, 59)))


@transaction.atomic
def drill_period_ensure(*, site, now: datetime | None = None) -> DrillPeriod:
    """The current half year of the site, its `drill.plan` clock started once (idempotent)."""
    now = now or timezone.now()
    start, end = half_year(timezone.localdate(now))
    period, created = DrillPeriod.objects.get_or_create(site=site, start=start, defaults={"end": end})
    if created:
        held = Drill.objects.filter(site=site, status=Drill.Status.HELD, held_at__date__gte=start,
                                    held_at__date__lte=end).exists()
        if not held:
            deadline_start(subject=period, code=DRILL_CLOCK, now=now, site_id=site.pk, due_at=_end_of(end))
    return period


def drill_periods_ensure_all(*, now: datetime | None = None) -> int:
    return len([s for s in Site.objects.all() if drill_period_ensure(site=s, now=now)])


def drill_period_missed(*, period_id: int) -> None:
    DrillPeriod.objects.filter(pk=period_id).update(missed=True)


@transaction.atomic
def drill_plan(*, site, kind: str, planned_on: date, actor: User, now: datetime | None = None) -> Drill:
    now = now or timezone.now()
    _need(perm.can_manage(actor, site.pk), _("You may not plan drills at this site."))
    _need(kind in Drill.Kind.values, _("Choose the kind of drill."), "kind")
    drill_period_ensure(site=site, now=now)
    return Drill.objects.create(site=site, kind=kind, planned_on=planned_on, created_by=actor)


@transaction.atomic
def drill_record(*, drill: Drill, held_at: datetime, participants, findings: str, actor: User, residents_count: int = 0,
                 now: datetime | None = None) -> Drill:
    """A drill held, with participants and findings; never recorded in the future."""
    now = now or timezone.now()
    d = _lock(Drill, drill)
    _need(perm.can_manage(actor, d.site_id), _("You may not record drills at this site."))
    _need(d.status == Drill.Status.PLANNED, _("This drill is recorded already."), "bad_state")
    _need(held_at <= now, _("A drill cannot be recorded in the future."), "held_at")
    participants = _staff_here(participants, d.site_id)
    _need(bool(participants), _("List who took part."), "participants")
    _need(bool(findings.strip()), _("Record the findings of the drill."), "findings")
    d.status, d.held_at, d.findings, d.residents_count = Drill.Status.HELD, held_at, findings.strip(), residents_count
    d.save(update_fields=["status", "held_at", "findings", "residents_count", "updated_at"])
    d.participants.set(participants)
    start, _end = half_year(timezone.localdate(held_at))
    period = DrillPeriod.objects.filter(site_id=d.site_id, start=start).first()
    if period is not None:
        deadline_stop(subject=period, code=DRILL_CLOCK, now=now)
    return d


def drills_year(site_ids: list[int], year: int) -> dict[str, int]:
    """E-02: drills held in the year by kind (fire and flood are both due)."""
    qs = Drill.objects.filter(site_id__in=site_ids, status=Drill.Status.HELD, held_at__year=year)
    return {k: qs.filter(kind=k).count() for k in Drill.Kind.values}


# ---- E-02 supplies register
@transaction.atomic
def supply_add(*, site, name: str, quantity: int, min_quantity: int, actor: User, unit: str = "个", location: str = "",
               expires_on: date | None = None, check_every_days: int = 30) -> SupplyItem:
    _need(perm.can_manage(actor, site.pk), _("You may not change the supplies register of this site."))
    _need(bool(name.strip()), _("Name the item."), "name")
    _need(1 <= check_every_days <= 366, _("Check at least once a year."), "check_every_days")
    return SupplyItem.objects.create(site=site, name=name.strip()[:60], quantity=quantity, min_quantity=min_quantity,
                                     unit=unit[:10] or "个", location=location[:100], expires_on=expires_on,
                                     check_every_days=check_every_days)


@transaction.atomic
def supply_check(*, item: SupplyItem, quantity: int, usable: bool, actor: User, expires_on: date | None = None,
                 note: str = "", now: datetime | None = None) -> SupplyCheck:
    """A periodic check: the quantity found (and usable) becomes the register's quantity."""
    now = now or timezone.now()
    item = _lock(SupplyItem, item)
    _need(perm.can_check_supplies(actor, item.site_id), _("You may not check supplies at this site."))
    _need(quantity >= 0, _("The quantity cannot be negative."), "quantity")
    _need(usable or bool(note.strip()), _("Say what is wrong with the item."), "note")
    check = SupplyCheck.objects.create(item=item, at=now, by=actor, quantity=quantity, usable=usable,
                                       expires_on=expires_on, note=note.strip()[:200])
    item.quantity = quantity if usable else 0
    item.last_checked_on = timezone.localdate(now)
    if expires_on:
        item.expires_on = expires_on
    item.save(update_fields=["quantity", "last_checked_on", "expires_on", "updated_at"])
    return check


def supplies_attention(site_ids: list[int], today: date) -> dict[str, list[SupplyItem]]:
    """Short, expired (or expiring in 30 days) and check-overdue items (dashboard, E-02)."""
    items = list(SupplyItem.objects.filter(site_id__in=site_ids, is_active=True).select_related("site"))
    return {
        "short": [i for i in items if i.quantity < i.min_quantity],
        "expired": [i for i in items if i.expires_on and i.expires_on <= today],
        "expiring": [i for i in items if i.expires_on and today < i.expires_on <= today + timedelta(days=30)],
        "check_due": [i for i in items if i.last_checked_on is None
                      or i.last_checked_on + timedelta(days=i.check_every_days) < today],
    }
