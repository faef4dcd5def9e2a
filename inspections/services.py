"""Inspections, rectifications, cadence duties and the monthly zone ranking (SPEC A-01, A-02, A-04).

Every service checks its own permission, locks the row it changes and raises DomainError with a
message the user can act on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.numbering import number_take
from core.uploads import check_image
from estates.models import Building, Department, Staff, Zone
from inspections import permissions
from inspections.models import (
    RANKING_KINDS,
    ZONE_KINDS,
    AssessmentMonth,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionDuty,
    InspectionPhoto,
    InspectionResult,
    Kind,
    Rectification,
    ZoneScore,
    ZoneScoreAdjustment,
)

TWO = Decimal("0.01")
INSPECTION_SHARE = Decimal("0.30")
RESIDENT_SHARE = Decimal("0.70")
RESIDENT_START = Decimal("100")
PER_VALID_COMPLAINT = Decimal("-5")
PER_PRAISE = Decimal("2")
MAX_ADJUSTMENT = Decimal("100")
MAX_PHOTOS = 5


def _q(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def _aware(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


# ---------------------------------------------------------------- inspections

@dataclass
class ItemEntry:
    """What the inspector entered for one checklist item."""

    item_id: int
    passed: bool
    score: int | None
    note: str = ""
    photos: list = field(default_factory=list)
    owner: Staff | None = None  # rectification owner (failed items)
    due_at: datetime | None = None  # rectification deadline; default: the inspection.rectify policy


def _check_where(site: Any, kind: str, zone: Zone | None, building: Building | None,
                 department: Department | None) -> None:
    if zone is not None and zone.site_id != site.pk:
        raise DomainError(_("This zone belongs to another site."), code="zone")
    if building is not None and building.site_id != site.pk:
        raise DomainError(_("This building belongs to another site."), code="building")
    if department is not None and department.site_id != site.pk:
        raise DomainError(_("This department belongs to another site."), code="department")
    if kind in ZONE_KINDS and zone is None:
        raise DomainError(_("Choose the zone inspected."), code="zone")
    if kind == Kind.DEPARTMENT and department is None:
        raise DomainError(_("Choose the department whose area was inspected."), code="department")
    if building is not None and zone is not None and building.zone_id not in (None, zone.pk):
        raise DomainError(_("This building is not in the chosen zone."), code="building")


@transaction.atomic
def inspection_record(*, site: Any, kind: str, template: ChecklistTemplate, actor: Any, entries: list[ItemEntry],
                      zone: Zone | None = None, building: Building | None = None,
                      department: Department | None = None, place: str = "", note: str = "",
                      now: datetime | None = None) -> Inspection:
    """Record a finished inspection: every item of the template pass/fail with a score in its range;
    every failed item becomes a rectification with an owner and a deadline (A-01, A-04)."""
    now = now or timezone.now()
    if kind not in Kind.values:
        raise DomainError(_("Choose the kind of inspection."), code="kind")
    if not permissions.can_inspect(actor, site.pk, kind):
        raise DomainError(_("You may not record this kind of inspection at this site."), code="not_allowed")
    if not template.is_active:
        raise DomainError(_("This checklist is no longer in use."), code="template")
    if building is not None and zone is None and kind in ZONE_KINDS:
        zone = building.zone
    _check_where(site, kind, zone, building, department)
    items = {i.pk: i for i in ChecklistItem.objects.filter(template=template)}
    if not items:
        raise DomainError(_("This checklist has no items."), code="template")
    seen = {e.item_id for e in entries}
    if seen != set(items) or len(entries) != len(items):
        raise DomainError(_("Judge every item of the checklist, each once."), code="items")
    for e in entries:
        item = items[e.item_id]
        if e.score is None or not (item.min_score <= e.score <= item.max_score):
            raise DomainError(_("The score of “%(item)s” must be between %(min)d and %(max)d.")
                              % {"item": item.text, "min": item.min_score, "max": item.max_score}, code="score")
        if not e.passed:
            if e.owner is None:
                raise DomainError(_("Name the owner of the rectification of “%(item)s”.") % {"item": item.text},
                                  code="owner")
            if e.owner.site_id != site.pk or not e.owner.is_active:
                raise DomainError(_("The owner of a rectification must work at this site."), code="owner")
            if e.due_at is not None and e.due_at <= now:
                raise DomainError(_("The rectification deadline must be in the future."), code="due_at")
        if len(e.photos) > MAX_PHOTOS:
            raise DomainError(_("At most %(n)d photos per item.") % {"n": MAX_PHOTOS}, code="photos")
    photos = [[check_image(p) for p in e.photos] for e in entries]
    weight = sum((items[e.item_id].weight for e in entries), Decimal("0"))
    earned = sum((items[e.item_id].weight * Decimal(e.score - items[e.item_id].min_score)
                  / Decimal(items[e.item_id].max_score - items[e.item_id].min_score) for e in entries), Decimal("0"))
    inspection = Inspection.objects.create(
        site=site, number="~" + uuid.uuid4().hex[:19], kind=kind,
        template=template, zone=zone, building=building, department=department, place=place.strip()[:100],
        inspector=actor, inspected_at=now, score=_q(earned * 100 / weight), note=note.strip(),
        failed_count=sum(1 for e in entries if not e.passed))
    for e, files in zip(entries, photos, strict=True):
        item = items[e.item_id]
        result = InspectionResult.objects.create(inspection=inspection, item=item, passed=e.passed, score=e.score,
                                                 note=e.note.strip()[:300])
        for f in files:
            InspectionPhoto.objects.create(inspection=inspection, result=result, file=f, uploaded_by=actor)
        if not e.passed:
            rect = Rectification.objects.create(
                site=site, inspection=inspection, result=result, owner=e.owner,
                description=(e.note.strip() or item.text)[:300], due_at=e.due_at or now)
            deadline = deadline_start(subject=rect, code="inspection.rectify", now=now, site_id=site.pk,
                                      due_at=e.due_at)
            rect.due_at = deadline.due_at
            rect.save(update_fields=["due_at"])
    _fulfil_duty(inspection, now)
    period = timezone.localdate(now).strftime("%Y%m")
    n = number_take(site_id=site.pk, series="XJ", period=period)  # last: the counter row stays locked
    inspection.number = f"XJ-{period}-{n:04d}"
    inspection.save(update_fields=["number"])
    return inspection


@transaction.atomic
def rectification_report_done(*, rect: Rectification, actor: Any, note: str, photos=(),
                              now: datetime | None = None) -> Rectification:
    now = now or timezone.now()
    rect = Rectification.objects.select_for_update(of=("self",)).select_related("owner").get(pk=rect.pk)
    if not permissions.can_report_done(actor, rect):
        raise DomainError(_("Only the owner or a supervisor reports this rectification done."), code="not_allowed")
    if rect.status != Rectification.Status.OPEN:
        raise DomainError(_("This rectification is not open."), code="bad_state")
    if not note.strip():
        raise DomainError(_("Say what was done."), code="note")
    files = [check_image(p) for p in photos]
    rect.status = Rectification.Status.DONE
    rect.done_at, rect.done_by, rect.done_note = now, actor, note.strip()
    rect.save(update_fields=["status", "done_at", "done_by", "done_note", "updated_at"])
    for f in files:
        InspectionPhoto.objects.create(inspection_id=rect.inspection_id, result_id=rect.result_id, file=f,
                                       uploaded_by=actor)
    deadline_stop(subject=rect, code="inspection.rectify", now=now)
    return rect


@transaction.atomic
def rectification_verify(*, rect: Rectification, actor: Any, passed: bool, note: str = "",
                         now: datetime | None = None) -> Rectification:
    """Closed only after someone else than the owner (and than who reported it done) verified it."""
    now = now or timezone.now()
    rect = Rectification.objects.select_for_update(of=("self",)).select_related("owner").get(pk=rect.pk)
    if rect.status == Rectification.Status.OPEN:
        raise DomainError(_("This rectification has not been reported done: it cannot be closed yet."),
                          code="not_done")
    if rect.status == Rectification.Status.VERIFIED:
        raise DomainError(_("This rectification is already verified."), code="bad_state")
    if actor.pk in (rect.owner.user_id, rect.done_by_id):
        raise DomainError(_("A rectification is verified by someone else than the person who did it."),
                          code="same_person")
    if not permissions.can_verify(actor, rect):
        raise DomainError(_("You may not verify rectifications at this site."), code="not_allowed")
    if passed:
        rect.status = Rectification.Status.VERIFIED
        rect.verified_at, rect.verified_by, rect.verify_note = now, actor, note.strip()
        rect.save(update_fields=["status", "verified_at", "verified_by", "verify_note", "updated_at"])
        return rect
    if not note.strip():
        raise DomainError(_("Say why the rectification is sent back."), code="note")
    rect.status = Rectification.Status.OPEN
    rect.reopened += 1
    rect.verify_note = note.strip()
    rect.done_at = None
    rect.done_by = None
    rect.save(update_fields=["status", "reopened", "verify_note", "done_at", "done_by", "updated_at"])
    due = rect.due_at if rect.due_at > now else None
    deadline = deadline_start(subject=rect, code="inspection.rectify", now=now, site_id=rect.site_id, due_at=due)
    rect.due_at = deadline.due_at
    rect.save(update_fields=["due_at"])
    return rect


# ---------------------------------------------------------------- cadences

CADENCE_CODES = {
    Kind.ZONE_MANAGER: "inspection.zone.daily",
    Kind.ZONE_TEAM: "inspection.zone.weekly",
    Kind.CS_ZONE: "inspection.zone.weekly",
    Kind.CS_SUPERVISORS: "inspection.zone.weekly",
    Kind.DEPARTMENT: "inspection.dept.daily",
    Kind.COMPANY: "inspection.company.monthly",
}
INSPECTED_DEPARTMENTS = (Department.Kind.ENGINEERING, Department.Kind.SECURITY, Department.Kind.CLEANING,
                         Department.Kind.GREENING)


def period_of(kind: str, day: date) -> tuple[date, date]:
    """[start, end) of the cadence period holding `day`: a day, an ISO week (Monday) or a month."""
    code = CADENCE_CODES[kind]
    if code.endswith("daily"):
        return day, day + timedelta(days=1)
    if code.endswith("weekly"):
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def _duty_key(site_id: int, kind: str, zone_id: int | None, dept_id: int | None, start: date) -> str:
    return f"{site_id}:{kind}:{zone_id or 0}:{dept_id or 0}:{start:%Y%m%d}"


def _fulfil_duty(inspection: Inspection, now: datetime) -> None:
    if inspection.kind not in CADENCE_CODES:
        return
    start, _end = period_of(inspection.kind, timezone.localdate(inspection.inspected_at))
    zone_id = inspection.zone_id if inspection.kind in ZONE_KINDS else None
    dept_id = inspection.department_id if inspection.kind == Kind.DEPARTMENT else None
    key = _duty_key(inspection.site_id, inspection.kind, zone_id, dept_id, start)
    duty = InspectionDuty.objects.select_for_update().filter(key=key).first()
    if duty is None or duty.done_at is not None:
        return
    duty.done_at, duty.inspection = now, inspection
    duty.save(update_fields=["done_at", "inspection", "updated_at"])
    deadline_stop(subject=duty, code=CADENCE_CODES[inspection.kind], now=now)


@transaction.atomic
def duties_open(*, site: Any, day: date, now: datetime | None = None) -> int:
    """Open the cadence duties whose period holds `day` (beat: daily at 00:10; idempotent).

    Zone manager daily per zone with a manager; zone team and CS supervisor weekly per zone; the CS
    supervisor's check of the supervisors weekly per site; department supervisors daily per
    inspected department; the company monthly per site. Each duty runs its policy's clock, from
    the period start, and breaches once if no inspection fulfils it.
    """
    now = now or timezone.now()
    wanted: list[tuple[str, int | None, int | None]] = []
    zones = list(Zone.objects.filter(site=site).values_list("pk", "manager_id"))
    for zone_id, manager_id in zones:
        if manager_id:
            wanted.append((Kind.ZONE_MANAGER, zone_id, None))
        wanted.append((Kind.ZONE_TEAM, zone_id, None))
        wanted.append((Kind.CS_ZONE, zone_id, None))
    wanted.append((Kind.CS_SUPERVISORS, None, None))
    for dept_id in Department.objects.filter(site=site, is_active=True, kind__in=INSPECTED_DEPARTMENTS
                                             ).values_list("pk", flat=True):
        wanted.append((Kind.DEPARTMENT, None, dept_id))
    wanted.append((Kind.COMPANY, None, None))
    made = 0
    existing = set(InspectionDuty.objects.filter(site=site, period_end__gt=day, period_start__lte=day)
                   .values_list("key", flat=True))
    for kind, zone_id, dept_id in wanted:
        start, end = period_of(kind, day)
        key = _duty_key(site.pk, kind, zone_id, dept_id, start)
        if key in existing:
            continue
        duty = InspectionDuty.objects.create(site=site, kind=kind, zone_id=zone_id, department_id=dept_id,
                                             period_start=start, period_end=end, key=key)
        # an inspection already recorded in the period fulfils the duty at once
        done = Inspection.objects.filter(site=site, kind=kind, inspected_at__gte=_aware(start),
                                         inspected_at__lt=_aware(end))
        if zone_id:
            done = done.filter(zone_id=zone_id)
        if dept_id:
            done = done.filter(department_id=dept_id)
        first = done.order_by("inspected_at").first()
        if first is not None:
            duty.done_at, duty.inspection = first.inspected_at, first
            duty.save(update_fields=["done_at", "inspection"])
        else:
            deadline_start(subject=duty, code=CADENCE_CODES[kind], now=max(now, _aware(start)), site_id=site.pk,
                           due_at=_aware(end) if CADENCE_CODES[kind].endswith("weekly") else None)
        made += 1
    return made


def duty_missed(duty_id: int) -> None:
    """Breach handler: the duty's period ended without an inspection (marked once)."""
    InspectionDuty.objects.filter(pk=duty_id, done_at__isnull=True).update(missed=True)


# ---------------------------------------------------------------- zone ranking

def month_range(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    return _aware(start), _aware(end)


def zone_scores_compute(*, site_ids: list[int], month: date) -> dict[int, dict]:
    """A-02 figures per zone of the sites for `month` (two aggregate queries, no per-zone loop query).

    public-area inspection = mean score of the month's inspections of the zone by the CS supervisor
    and the company (RANKING_KINDS); no such inspection → 0 (the draft notes it);
    resident evaluation = 100 − 5 × valid complaints + 2 × praise (not below 0);
    computed = 30 % × inspection + 70 % × resident evaluation, each rounded to 0.01.
    """
    from django.db.models import Avg, Count  # noqa: PLC0415

    from complaints.selectors import zone_evaluation_counts  # noqa: PLC0415 (read through its selector)

    start, end = month_range(month)
    zones = dict(Zone.objects.filter(site_id__in=site_ids).values_list("pk", "site_id"))
    insp = {r["zone_id"]: r for r in Inspection.objects.filter(
        site_id__in=site_ids, kind__in=RANKING_KINDS, inspected_at__gte=start, inspected_at__lt=end,
        zone__isnull=False).values("zone_id").annotate(avg=Avg("score"), n=Count("id"))}
    evaluation = zone_evaluation_counts(site_ids=site_ids, start=start, end=end)
    out = {}
    for zone_id, site_id in zones.items():
        i = insp.get(zone_id)
        inspection = _q(Decimal(str(i["avg"]))) if i else Decimal("0.00")
        ev = evaluation.get(zone_id, {"valid": 0, "praise": 0})
        resident = max(RESIDENT_START + PER_VALID_COMPLAINT * ev["valid"] + PER_PRAISE * ev["praise"], Decimal("0"))
        computed = _q(inspection * INSPECTION_SHARE) + _q(resident * RESIDENT_SHARE)
        out[zone_id] = {"site_id": site_id, "inspection_score": inspection, "inspections": i["n"] if i else 0,
                        "valid_complaints": ev["valid"], "praise": ev["praise"], "resident_score": _q(resident),
                        "computed": _q(computed)}
    return out


def rank_key(score: ZoneScore | dict) -> tuple:
    """Forced ranking order: higher final score first; ties → higher public-area inspection score,
    then fewer valid complaints, then more praise, then the zone's name (then id) — never a shared rank."""
    g = (lambda k: score[k]) if isinstance(score, dict) else (lambda k: getattr(score, k))
    return (-g("final"), -g("inspection_score"), g("valid_complaints"), -g("praise"), g("zone_name"), g("zone_id"))


def _rerank(month: AssessmentMonth) -> None:
    rows = list(ZoneScore.objects.filter(month=month).select_related("zone"))
    for r in rows:
        r.zone_name = r.zone.name
    rows.sort(key=rank_key)
    for i, r in enumerate(rows, start=1):
        if r.rank != i:
            r.rank = i
            r.save(update_fields=["rank", "updated_at"])


@transaction.atomic
def ranking_draft(*, site: Any, month: date, now: datetime | None = None) -> AssessmentMonth:
    """Draft (or re-draft while unlocked) the site's zone ranking of `month` (beat: the 1st, for last month).

    Adjustments already made are kept; a locked month is refused.
    """
    now = now or timezone.now()
    month = month.replace(day=1)
    row, created = AssessmentMonth.objects.get_or_create(site=site, month=month)
    row = AssessmentMonth.objects.select_for_update().get(pk=row.pk)
    if row.locked_at is not None:
        raise DomainError(_("The ranking of %(m)s is locked.") % {"m": f"{month:%Y-%m}"}, code="locked")
    figures = zone_scores_compute(site_ids=[site.pk], month=month)
    existing = {s.zone_id: s for s in ZoneScore.objects.filter(month=row)}
    for zone_id, f in figures.items():
        score = existing.get(zone_id) or ZoneScore(month=row, zone_id=zone_id)
        for k in ("inspection_score", "inspections", "valid_complaints", "praise", "resident_score", "computed"):
            setattr(score, k, f[k])
        score.final = _q(score.computed + score.adjustment)
        score.save()
    row.drafted_at = now
    row.save(update_fields=["drafted_at", "updated_at"])
    _rerank(row)
    from inspections.appraisal import self_assessments_draft  # noqa: PLC0415 (it builds on these services)

    self_assessments_draft(row)  # A-03 is drafted with the ranking
    if created:
        deadline_start(subject=row, code="assessment.monthly", now=now, site_id=site.pk)
    return row


@transaction.atomic
def ranking_adjust(*, score: ZoneScore, actor: Any, delta: Decimal, reason: str,
                   now: datetime | None = None) -> ZoneScore:
    """A-02: the CS supervisor adjusts a zone's score with a reason; the ranking follows."""
    now = now or timezone.now()
    score = ZoneScore.objects.select_for_update(of=("self",)).select_related("month").get(pk=score.pk)
    month = AssessmentMonth.objects.select_for_update().get(pk=score.month_id)
    if not permissions.can_adjust_ranking(actor, month.site_id):
        raise DomainError(_("Only the CS supervisor adjusts the zone scores."), code="not_allowed")
    if month.locked_at is not None:
        raise DomainError(_("The ranking of %(m)s is locked.") % {"m": f"{month.month:%Y-%m}"}, code="locked")
    if not reason.strip():
        raise DomainError(_("Give the reason for the adjustment."), code="reason")
    delta = Decimal(delta)
    if delta == 0 or abs(delta) > MAX_ADJUSTMENT or delta != _q(delta):
        raise DomainError(_("An adjustment is between −100 and 100 points (two decimals), not zero."),
                          code="delta")
    ZoneScoreAdjustment.objects.create(score=score, delta=delta, reason=reason.strip()[:200], by=actor, at=now)
    score.adjustment = _q(score.adjustment + delta)
    score.final = _q(score.computed + score.adjustment)
    score.save(update_fields=["adjustment", "final", "updated_at"])
    _rerank(month)
    return score


@transaction.atomic
def ranking_lock(*, month: AssessmentMonth, actor: Any, now: datetime | None = None) -> AssessmentMonth:
    """A-02: the site director reviews and locks; who adjusted scores may not also review them."""
    now = now or timezone.now()
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    if not permissions.can_lock_ranking(actor, month.site_id):
        raise DomainError(_("Only the site director locks the ranking."), code="not_allowed")
    if month.locked_at is not None:
        raise DomainError(_("The ranking of %(m)s is locked.") % {"m": f"{month.month:%Y-%m}"}, code="locked")
    if ZoneScoreAdjustment.objects.filter(score__month=month, by=actor).exists():
        raise DomainError(_("You adjusted scores of this month: the review is someone else's."), code="same_person")
    if not ZoneScore.objects.filter(month=month).exists():
        raise DomainError(_("There is nothing to lock: draft the ranking first."), code="empty")
    month.locked_at, month.locked_by = now, actor
    month.save(update_fields=["locked_at", "locked_by", "updated_at"])
    if month.appraisal_locked_at is not None:  # the clock waits for both locks
        deadline_stop(subject=month, code="assessment.monthly", now=now)
    return month
