"""Zone self-assessment (A-03), monthly staff appraisal (A-05) and recognition spot checks (A-06, O-04).

Services write (each checks its permission, locks the row, raises DomainError); the few reads the
pages and the report need are here too, next to the rules they follow.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.selectors import unsatisfied_routine_by_zone
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.roles import Role, has_role
from estates.models import Department, Resident, Staff, Zone
from inspections import permissions
from inspections.models import (
    DERIVED_PARTS,
    RANKING_KINDS,
    Appraisal,
    AppraisalPart,
    AppraisalRule,
    AssessmentMonth,
    Inspection,
    Kind,
    Part,
    Post,
    RecognitionAnswer,
    RecognitionCheck,
    SelfAssessment,
    StaffPost,
    ZoneScore,
)
from inspections.services import _q, month_range

HUNDRED = Decimal("100")
RECOGNITION_TARGET = Decimal("0.90")  # O-04
# which inspection area a department's supervisor answers for (A-05 "public-area inspection" 5 %)
AREA_OF_DEPARTMENT: dict[str, tuple[str, ...]] = {
    Department.Kind.CLEANING: ("cleaning", "greening"), Department.Kind.GREENING: ("greening", "cleaning"),
    Department.Kind.SECURITY: ("security",), Department.Kind.ENGINEERING: ("engineering",),
    Department.Kind.CUSTOMER_SERVICE: ("cs",)}


def month_row(*, site: Any, month: date, now: datetime | None = None) -> AssessmentMonth:
    """The site's assessment month, created with its assessment.monthly clock (A-02, A-05)."""
    now = now or timezone.now()
    row, created = AssessmentMonth.objects.get_or_create(site=site, month=month.replace(day=1))
    if created:
        deadline_start(subject=row, code="assessment.monthly", now=now, site_id=site.pk)
    return row


def _stop_clock_if_done(month: AssessmentMonth, now: datetime) -> None:
    if month.locked_at and month.appraisal_locked_at:
        deadline_stop(subject=month, code="assessment.monthly", now=now)


# ---------------------------------------------------------------- A-03 zone self-assessment

def self_assessments_draft(month: AssessmentMonth) -> None:
    """Per zone: 100 − 1 per unsatisfied routine callback of the month; reviewed rows stay as they are."""
    start, end = month_range(month.month)
    unsatisfied = unsatisfied_routine_by_zone(site_ids=[month.site_id], start=start, end=end)
    own = {r["zone_id"]: r for r in Inspection.objects.filter(
        site_id=month.site_id, kind__in=(Kind.ZONE_MANAGER, Kind.ZONE_TEAM), inspected_at__gte=start,
        inspected_at__lt=end, zone__isnull=False).values("zone_id").annotate(avg=Avg("score"), n=Count("id"))}
    existing = {s.zone_id: s for s in SelfAssessment.objects.filter(month=month)}
    for zone_id in Zone.objects.filter(site_id=month.site_id).values_list("pk", flat=True):
        sa = existing.get(zone_id) or SelfAssessment(month=month, zone_id=zone_id)
        if sa.reviewed_at is not None:
            continue
        i = own.get(zone_id)
        sa.inspection_score = _q(Decimal(str(i["avg"]))) if i else Decimal("0")
        sa.inspections = i["n"] if i else 0
        sa.unsatisfied = unsatisfied.get(zone_id, 0)
        sa.computed = max(HUNDRED - sa.unsatisfied, Decimal("0"))
        sa.score = _q(sa.computed + sa.adjustment)
        sa.save()


@transaction.atomic
def self_assessment_score(*, sa: SelfAssessment, actor: User, adjustment: Decimal = Decimal("0"), reason: str = "",
                          now: datetime | None = None) -> SelfAssessment:
    """A-03: the zone manager of the zone scores (optionally adjusting with a reason)."""
    now = now or timezone.now()
    sa = SelfAssessment.objects.select_for_update(of=("self",)).select_related("zone__manager", "month").get(pk=sa.pk)
    if not permissions.can_score_self(actor, sa):
        raise DomainError(_("The zone's own manager scores its self-assessment."), code="not_allowed")
    if sa.reviewed_at is not None:
        raise DomainError(_("This self-assessment is reviewed and locked."), code="locked")
    adjustment = Decimal(adjustment or 0)
    if abs(adjustment) > HUNDRED or adjustment != _q(adjustment):
        raise DomainError(_("An adjustment is between −100 and 100 points (two decimals), not zero."),
                          code="delta")
    if adjustment and not reason.strip():
        raise DomainError(_("Give the reason for the adjustment."), code="reason")
    sa.adjustment, sa.adjustment_reason = adjustment, reason.strip()[:200]
    sa.score = _q(sa.computed + adjustment)
    sa.scored_by, sa.scored_at = actor, now
    sa.save()
    return sa


@transaction.atomic
def self_assessment_review(*, sa: SelfAssessment, actor: User, now: datetime | None = None) -> SelfAssessment:
    """A-03: reviewed by the CS supervisor — not the person who scored it."""
    now = now or timezone.now()
    sa = SelfAssessment.objects.select_for_update(of=("self",)).select_related("month").get(pk=sa.pk)
    if not permissions.can_adjust_ranking(actor, sa.month.site_id):
        raise DomainError(_("Only the CS supervisor reviews the self-assessment."), code="not_allowed")
    if sa.scored_at is None:
        raise DomainError(_("The zone manager has not scored this self-assessment yet."), code="not_scored")
    if sa.reviewed_at is not None:
        raise DomainError(_("This self-assessment is reviewed and locked."), code="locked")
    if sa.scored_by_id == actor.pk:
        raise DomainError(_("You scored this self-assessment: the review is someone else's."), code="same_person")
    sa.reviewed_by, sa.reviewed_at = actor, now
    sa.save(update_fields=["reviewed_by", "reviewed_at", "updated_at"])
    return sa


# ---------------------------------------------------------------- A-05 monthly staff appraisal

ROLE_POSTS = [(Role.CS_SUPERVISOR, Post.CS_SUPERVISOR), (Role.FRONT_DESK, Post.FRONT_DESK),
              (Role.DEPT_SUPERVISOR, Post.DEPT_SUPERVISOR), (Role.SECURITY_SUPERVISOR, Post.DEPT_SUPERVISOR),
              (Role.ZONE_MANAGER, Post.ZONE_STAFF), (Role.ZONE_STAFF, Post.ZONE_STAFF),
              (Role.DEPT_STAFF, Post.DEPT_STAFF), (Role.SECURITY_OFFICER, Post.DEPT_STAFF)]


def post_of(staff: Staff) -> str | None:
    """The appraisal post: an explicit StaffPost, else the first matching role (directors, heads and
    finance are not in the table)."""
    explicit = StaffPost.objects.filter(staff=staff).values_list("post", flat=True).first()
    if explicit:
        return explicit
    roles = set(staff.user.groups.values_list("name", flat=True))
    return next((post for role, post in ROLE_POSTS if role in roles), None)


def rules_for(site_id: int, post: str) -> list[tuple[str, int]]:
    rows = list(AppraisalRule.objects.filter(site_id=site_id, post=post).values_list("part", "weight"))
    if not rows:
        rows = list(AppraisalRule.objects.filter(site__isnull=True, post=post).values_list("part", "weight"))
    if rows and sum(w for _p, w in rows) != 100:
        raise DomainError(_("The appraisal composition of %(post)s does not add up to 100 %%.")
                          % {"post": Post(post).label}, code="composition")
    return rows


def _derived(appraisal: Appraisal, part: str, month: AssessmentMonth) -> Decimal | None:
    staff = appraisal.staff
    if part == Part.ZONE_TEAM:
        if staff.zone_id is None:
            return None
        sa = SelfAssessment.objects.filter(month=month, zone_id=staff.zone_id, reviewed_at__isnull=False).first()
        return min(sa.score, HUNDRED) if sa else None
    if part == Part.RANKING:
        if month.locked_at is None:
            return None
        avg = ZoneScore.objects.filter(month=month).aggregate(a=Avg("final"))["a"]
        return min(_q(Decimal(str(avg))), HUNDRED) if avg is not None else None
    if part == Part.INSPECTION:
        start, end = month_range(month.month)
        areas = AREA_OF_DEPARTMENT.get(staff.department.kind if staff.department else "", ())
        avg = Inspection.objects.filter(site_id=month.site_id, kind__in=(*RANKING_KINDS, Kind.CS_SUPERVISORS),
                                        template__area__in=areas, inspected_at__gte=start,
                                        inspected_at__lt=end).aggregate(a=Avg("score"))["a"]
        return _q(Decimal(str(avg))) if avg is not None else None
    return None


def _total(appraisal: Appraisal) -> None:
    parts = list(appraisal.parts.all())
    scored = [(p.score, p.weight) for p in parts if p.score is not None]
    if parts and len(scored) == len(parts):
        appraisal.total = _q(sum((score * weight / HUNDRED for score, weight in scored), Decimal("0")))
    else:
        appraisal.total = None
    appraisal.save(update_fields=["total", "updated_at"])


@transaction.atomic
def appraisal_prepare(*, site: Any, month: date, now: datetime | None = None) -> AssessmentMonth:
    """Create the month's appraisal sheets for every active employee with a post, the parts from the
    composition table, and fill the computed parts (A-03, A-02, public-area inspection). Idempotent;
    refused once the director has locked the month."""
    now = now or timezone.now()
    row = month_row(site=site, month=month, now=now)
    row = AssessmentMonth.objects.select_for_update().get(pk=row.pk)
    if row.appraisal_locked_at is not None:
        raise DomainError(_("The appraisal of %(m)s is locked.") % {"m": f"{row.month:%Y-%m}"}, code="locked")
    self_assessments_draft(row)
    for staff in Staff.objects.filter(site=site, is_active=True).select_related("user", "department"):
        post = post_of(staff)
        if post is None:
            continue
        appraisal, _c = Appraisal.objects.get_or_create(month=row, staff=staff, defaults={"post": post})
        have = {p.part: p for p in appraisal.parts.all()}
        for part, weight in rules_for(site.pk, appraisal.post):
            p = have.get(part) or AppraisalPart.objects.create(appraisal=appraisal, part=part, weight=weight)
            if part in DERIVED_PARTS:
                p.score = _derived(appraisal, part, row)
                p.scored_at = now if p.score is not None else None
                p.save(update_fields=["score", "scored_at", "updated_at"])
        _total(appraisal)
    return row


def can_score(user: Any, part: AppraisalPart) -> bool:
    """Each scorer enters their own part in their own login (A-05)."""
    appraisal = part.appraisal
    staff = appraisal.staff
    site_id = appraisal.month.site_id
    if part.part in DERIVED_PARTS or not permissions.at_site(user, site_id):
        return False
    if part.part == Part.SELF:
        return staff.user_id == user.pk
    if staff.user_id == user.pk:
        return False
    if part.part == Part.DIRECTOR:
        return has_role(user, Role.SITE_DIRECTOR)
    if appraisal.post in (Post.FRONT_DESK, Post.ZONE_STAFF):
        return has_role(user, Role.CS_SUPERVISOR)
    me = Staff.objects.filter(user=user).only("department_id").first()
    return (has_role(user, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR) and me is not None
            and me.department_id is not None and me.department_id == staff.department_id)


@transaction.atomic
def appraisal_score(*, part: AppraisalPart, actor: User, score: Decimal, now: datetime | None = None) -> AppraisalPart:
    now = now or timezone.now()
    part = (AppraisalPart.objects.select_for_update(of=("self",))
            .select_related("appraisal__month", "appraisal__staff").get(pk=part.pk))
    month = part.appraisal.month
    if month.appraisal_locked_at is not None:
        raise DomainError(_("The appraisal of %(m)s is locked.") % {"m": f"{month.month:%Y-%m}"}, code="locked")
    if part.part in DERIVED_PARTS:
        raise DomainError(_("This part is computed from the ranking, the self-assessment or the inspections."),
                          code="derived")
    if not can_score(actor, part):
        raise DomainError(_("This part is scored by someone else, in their own login."), code="not_allowed")
    score = Decimal(score)
    if not (Decimal("0") <= score <= HUNDRED) or score != _q(score):
        raise DomainError(_("A score is between 0 and 100 (two decimals)."), code="score")
    part.score, part.scored_by, part.scored_at = score, actor, now
    part.save(update_fields=["score", "scored_by", "scored_at", "updated_at"])
    _total(part.appraisal)
    return part


def appraisal_missing(month: AssessmentMonth) -> list[AppraisalPart]:
    """The parts still without a score (listed on the page; the director cannot lock while any remain)."""
    return list(AppraisalPart.objects.filter(appraisal__month=month, score__isnull=True)
                .select_related("appraisal__staff").order_by("appraisal__staff__name", "part"))


@transaction.atomic
def appraisal_lock(*, month: AssessmentMonth, actor: User, now: datetime | None = None) -> AssessmentMonth:
    now = now or timezone.now()
    month = AssessmentMonth.objects.select_for_update().get(pk=month.pk)
    if not permissions.can_lock_ranking(actor, month.site_id):
        raise DomainError(_("Only the site director locks the appraisal."), code="not_allowed")
    if month.appraisal_locked_at is not None:
        raise DomainError(_("The appraisal of %(m)s is locked.") % {"m": f"{month.month:%Y-%m}"}, code="locked")
    if not month.appraisals.exists():
        raise DomainError(_("There is nothing to lock: prepare the appraisal first."), code="empty")
    missing = appraisal_missing(month)
    if missing:
        raise DomainError(_("%(n)d parts are still missing, e.g. %(who)s: %(part)s.")
                          % {"n": len(missing), "who": missing[0].appraisal.staff.name,
                             "part": missing[0].get_part_display()}, code="missing")
    month.appraisal_locked_at, month.appraisal_locked_by = now, actor
    month.save(update_fields=["appraisal_locked_at", "appraisal_locked_by", "updated_at"])
    _stop_clock_if_done(month, now)
    return month


# ---------------------------------------------------------------- A-06 / O-04 recognition spot checks

def recognition_draw(*, zone: Zone, n: int, seed: str) -> list[Resident]:
    """Residents of the zone drawn at random (reproducible from `seed`)."""
    pool = list(Resident.objects.filter(unit__building__zone=zone, is_active=True).order_by("pk"))
    rng = random.Random(f"{zone.pk}:{seed}")
    return rng.sample(pool, min(n, len(pool)))


@transaction.atomic
def recognition_record(*, zone: Zone, actor: User, answers: list[tuple[Resident, Staff, bool]], seed: str = "",
                       now: datetime | None = None) -> RecognitionCheck:
    now = now or timezone.now()
    if not (zone.manager is not None and zone.manager.user_id == actor.pk) and not has_role(actor, Role.CS_SUPERVISOR):
        raise DomainError(_("The zone manager records the recognition spot checks of his zone."), code="not_allowed")
    if not permissions.at_site(actor, zone.site_id):
        raise DomainError(_("The zone manager records the recognition spot checks of his zone."), code="not_allowed")
    if not answers:
        raise DomainError(_("Record at least one answer."), code="empty")
    for resident, staff, _knew in answers:
        if resident.site_id != zone.site_id or resident.unit.building.zone_id != zone.pk:
            raise DomainError(_("%(name)s does not live in this zone.") % {"name": resident.name}, code="resident")
        if staff.zone_id != zone.pk:
            raise DomainError(_("%(name)s is not a member of this zone's team.") % {"name": staff.name}, code="staff")
    check = RecognitionCheck.objects.create(site_id=zone.site_id, zone=zone, checked_at=now, checker=actor,
                                            seed=seed[:40])
    seen = set()
    for resident, staff, knew in answers:
        if (resident.pk, staff.pk) in seen:
            raise DomainError(_("Each resident is asked about each member once."), code="duplicate")
        seen.add((resident.pk, staff.pk))
        RecognitionAnswer.objects.create(spot_check=check, resident=resident, staff=staff, knew=bool(knew))
    return check


def recognition_rates(*, site_ids: list[int], start: datetime, end: datetime) -> dict[int, dict]:
    """Per zone: answers, known, rate (0..1, 4 places) and whether the ≥ 90 % target is met (one query)."""
    rows = (RecognitionAnswer.objects.filter(spot_check__site_id__in=site_ids, spot_check__checked_at__gte=start,
                                             spot_check__checked_at__lt=end)
            .values("spot_check__zone_id").annotate(n=Count("id"), knew=Count("id", filter=Q(knew=True))))
    out = {}
    for r in rows:
        rate = (Decimal(r["knew"]) / Decimal(r["n"])).quantize(Decimal("0.0001"))
        out[r["spot_check__zone_id"]] = {"asked": r["n"], "knew": r["knew"], "rate": rate,
                                         "met": rate >= RECOGNITION_TARGET}
    return out
