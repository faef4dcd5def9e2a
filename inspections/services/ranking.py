"""The monthly zone ranking (SPEC A-02): computed figures, the draft, adjustments with a reason, the lock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.selectors import zone_evaluation_counts
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from estates.models import Zone
from inspections import permissions
from inspections.models import (
    RANKING_KINDS,
    AssessmentMonth,
    Inspection,
    ZoneScore,
    ZoneScoreAdjustment,
)
from inspections.services._common import (
    INSPECTION_SHARE,
    MAX_ADJUSTMENT,
    PER_PRAISE,
    PER_VALID_COMPLAINT,
    RESIDENT_SHARE,
    RESIDENT_START,
    _q,
    month_range,
)


def zone_scores_compute(*, site_ids: list[int], month: date) -> dict[int, dict]:
    """A-02 figures per zone of the sites for `month` (two aggregate queries, no per-zone loop query).

    public-area inspection = mean score of the month's inspections of the zone by the CS supervisor
    and the company (RANKING_KINDS); no such inspection → 0 (the draft notes it);
    resident evaluation = 100 − 5 × valid complaints + 2 × praise (not below 0);
    computed = 30 % × inspection + 70 % × resident evaluation, each rounded to 0.01.
    """
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
    if isinstance(score, dict):
        g, name = score.__getitem__, score["zone_name"]
    else:
        g, name = (lambda k: getattr(score, k)), score.zone.name
    return (-g("final"), -g("inspection_score"), g("valid_complaints"), -g("praise"), name, g("zone_id"))


def _rerank(month: AssessmentMonth) -> None:
    rows = list(ZoneScore.objects.filter(month=month).select_related("zone"))
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
    from inspections.appraisal import self_assessments_draft  # noqa: PLC0415 (cycle: appraisal imports inspections.services)

    self_assessments_draft(row)  # A-03 is drafted with the ranking
    if created:
        deadline_start(subject=row, code="assessment.monthly", now=now, site_id=site.pk)
    return row


@transaction.atomic
def ranking_adjust(*, score: ZoneScore, actor: User, delta: Decimal, reason: str,
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
def ranking_lock(*, month: AssessmentMonth, actor: User, now: datetime | None = None) -> AssessmentMonth:
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

