"""Demo inspections and assessment at both demo sites (issue 18): a month of inspections with
rectifications, a locked zone ranking, appraisal parts, a maintenance plan with one overdue line.
Idempotent: each part is skipped when its records exist."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from estates.models import Site, Staff, Zone
from inspections.appraisal import (
    appraisal_prepare,
    appraisal_score,
    can_score,
    self_assessment_review,
    self_assessment_score,
)
from inspections.maintenance import occurrence_missed, occurrences_generate, plan_create
from inspections.models import (
    AssessmentMonth,
    ChecklistTemplate,
    Inspection,
    Kind,
    MaintenanceOccurrence,
    MaintenancePlan,
    Part,
)
from inspections.services import (
    ItemEntry,
    inspection_record,
    ranking_adjust,
    ranking_draft,
    ranking_lock,
    rectification_report_done,
    rectification_verify,
)


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _aware(d: date, h: int, m: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(h, m)))


def _inspections(site: Site, month: date, rng: random.Random, now: datetime) -> None:
    code = site.code.lower()
    cs, templates = _user(f"{code}_cs_supervisor"), list(ChecklistTemplate.objects.filter(is_active=True))
    owners = list(Staff.objects.filter(site=site, is_active=True, department__isnull=False))
    if cs is None or not templates or not owners:
        return
    zones = list(Zone.objects.filter(site=site).select_related("manager__user"))
    day = month
    while day.month == month.month:
        for zone in zones:
            kinds = []
            if day.weekday() < 5 and zone.manager_id:
                kinds.append((Kind.ZONE_MANAGER, zone.manager.user))
            if day.weekday() == 2:
                kinds.append((Kind.CS_ZONE, cs))
            for kind, actor in kinds:
                template = rng.choice(templates)
                entries = []
                for item in template.items.all():
                    failed = rng.random() < 0.12
                    score = rng.randint(item.min_score, item.max_score // 2) if failed else \
                        rng.randint(item.max_score * 7 // 10, item.max_score)
                    entries.append(ItemEntry(item_id=item.pk, passed=not failed, score=score,
                                             note="现场发现问题，需整改" if failed else "",
                                             owner=rng.choice(owners) if failed else None))
                when = _aware(day, 9 + rng.randint(0, 7), rng.randint(0, 59))
                insp = inspection_record(site=site, kind=kind, template=template, actor=actor, zone=zone,
                                         entries=entries, now=when, place=f"{zone.name}公共区域")
                for rect in insp.rectifications.select_related("owner__user"):
                    if rng.random() < 0.8:  # most put right and verified; the rest stay open (some overdue)
                        done_at = when + timedelta(days=rng.randint(1, 3))
                        if done_at < now:
                            rectification_report_done(rect=rect, actor=rect.owner.user, note="已按要求整改",
                                                      now=done_at)
                            verifier = cs if rect.owner.user_id != cs.pk else _user(f"{code}_site_director")
                            rectification_verify(rect=rect, actor=verifier, passed=True, note="复查合格",
                                                 now=done_at + timedelta(hours=4))
        day += timedelta(days=1)


def _ranking_and_appraisal(site: Site, month: date, rng: random.Random, now: datetime) -> None:
    code = site.code.lower()
    cs, director = _user(f"{code}_cs_supervisor"), _user(f"{code}_site_director")
    if cs is None or director is None:
        return
    row = ranking_draft(site=site, month=month, now=now - timedelta(hours=2))
    first = row.scores.order_by("rank").first()
    if first is not None:
        ranking_adjust(score=first, actor=cs, delta=Decimal("1.50"), reason="协助处理突发停水，业主书面表扬",
                       now=now - timedelta(hours=1))
    for sa in row.self_assessments.select_related("zone__manager__user"):
        if sa.zone.manager_id:
            self_assessment_score(sa=sa, actor=sa.zone.manager.user, now=now - timedelta(minutes=50))
            self_assessment_review(sa=sa, actor=cs, now=now - timedelta(minutes=40))
    ranking_lock(month=row, actor=director, now=now - timedelta(minutes=30))
    row = appraisal_prepare(site=site, month=month, now=now - timedelta(minutes=20))
    # some parts scored, the rest listed as missing for the demo
    for appraisal in row.appraisals.select_related("staff__user")[:6]:
        for part in appraisal.parts.filter(score__isnull=True):
            actor = appraisal.staff.user if part.part == Part.SELF else (director if part.part == Part.DIRECTOR
                                                                          else cs)
            if can_score(actor, part):  # a part whose scorer is someone else stays missing in the demo
                appraisal_score(part=part, actor=actor, score=Decimal(rng.randint(80, 98)),
                                now=now - timedelta(minutes=10))


def _maintenance(site: Site, now: datetime) -> None:
    today = timezone.localdate(now)
    if MaintenancePlan.objects.filter(site=site, year=today.year).exists():
        return
    plan_create(site=site, year=today.year)
    # issue the occurrences of the last 40 days as if the daily generator had run then
    start = today - timedelta(days=40)
    occurrences_generate(site=site, today=start, now=_aware(start, 0, 20))
    occs = list(MaintenanceOccurrence.objects.filter(site=site, due_on__lt=today).select_related("work_order"))
    for i, occ in enumerate(occs):
        if i == 0:
            occurrence_missed(occ.pk)  # one overdue line (the sweep also breaches its clock)
            continue
        order = occ.work_order
        order.completed_at = _aware(occ.due_on, 10) - timedelta(days=2)
        order.save(update_fields=["completed_at"])
    occurrences_generate(site=site, today=today, now=now)


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    month = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        if site is None:
            continue
        rng = random.Random(f"inspections:{code}")
        if not Inspection.objects.filter(site=site).exists():
            _inspections(site, month, rng, now)
        if not AssessmentMonth.objects.filter(site=site, month=month, locked_at__isnull=False).exists():
            _ranking_and_appraisal(site, month, rng, now)
        _maintenance(site, now)
