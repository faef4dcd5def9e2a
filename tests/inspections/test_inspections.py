"""SPEC A-01, A-04: inspections with checklists, rectifications verified by someone else, cadences."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline
from inspections.models import InspectionDuty, Kind, Rectification
from inspections.services import (
    duties_open,
    inspection_record,
    rectification_report_done,
    rectification_verify,
)
from tests.inspections.conftest import at, entries

pytestmark = pytest.mark.django_db


# SPEC: items pass/fail with a score; weighted score; a failed item becomes a rectification
def test_inspection_scores_and_rectification(site_a, checklist):
    engineer = site_a.staff["dept_staff"]
    insp = inspection_record(site=site_a.site, kind=Kind.ZONE_MANAGER, template=checklist,
                             actor=site_a.users["zone_manager"], zone=site_a.zone,
                             entries=entries(checklist, [4, 5], failed=(0,), owner=engineer),
                             now=at(2026, 11, 3, 10, 0))
    # weights 2 and 1: (2 × 4/10 + 1 × 5/5) / 3 × 100 = 60.00
    assert insp.score == Decimal("60.00")
    assert insp.number == "XJ-202611-0001"
    assert insp.failed_count == 1
    rect = Rectification.objects.get(inspection=insp)
    assert rect.owner == engineer and rect.status == Rectification.Status.OPEN
    # inspection.rectify: 3 working days (Tue 10:00 → the end of Friday's office hours)
    assert rect.due_at == at(2026, 11, 6, 18, 0)
    assert deadline_running(rect, "inspection.rectify").due_at == rect.due_at


# SPEC A-01 bad input: score outside the template's range, missing owner, another site's zone
def test_bad_input_refused(site_a, site_b, checklist):
    kw = dict(site=site_a.site, kind=Kind.ZONE_MANAGER, template=checklist, actor=site_a.users["zone_manager"],
              zone=site_a.zone, now=at(2026, 11, 3, 10, 0))
    with pytest.raises(DomainError) as err:
        inspection_record(entries=entries(checklist, [10, 6]), **kw)
    assert err.value.code == "score" and "电梯轿厢" in err.value.message and "5" in err.value.message
    with pytest.raises(DomainError) as err:
        inspection_record(entries=entries(checklist, [3, 5], failed=(0,)), **kw)
    assert err.value.code == "owner"
    with pytest.raises(DomainError) as err:
        inspection_record(entries=entries(checklist, [10, 5])[:1], **kw)
    assert err.value.code == "items"
    with pytest.raises(DomainError) as err:
        inspection_record(entries=entries(checklist, [10, 5]), **{**kw, "zone": site_b.zone})
    assert err.value.code == "zone"
    with pytest.raises(DomainError) as err:  # a zone staff member does not record the CS supervisor's inspection
        inspection_record(entries=entries(checklist, [10, 5]), **{**kw, "kind": Kind.CS_ZONE,
                                                                   "actor": site_a.users["zone_staff"]})
    assert err.value.code == "not_allowed"


# SPEC A-01: a rectification is closed only after verification by someone else
def test_rectification_verified_by_someone_else(site_a, checklist):
    owner = site_a.staff["dept_staff"]
    insp = inspection_record(site=site_a.site, kind=Kind.CS_ZONE, template=checklist,
                             actor=site_a.users["cs_supervisor"], zone=site_a.zone,
                             entries=entries(checklist, [2, 5], failed=(0,), owner=owner), now=at(2026, 11, 3, 10, 0))
    rect = insp.rectifications.get()
    with pytest.raises(DomainError) as err:  # not reported done: cannot be closed
        rectification_verify(rect=rect, actor=site_a.users["cs_supervisor"], passed=True, now=at(2026, 11, 3, 11, 0))
    assert err.value.code == "not_done"
    rectification_report_done(rect=rect, actor=owner.user, note="已清扫", now=at(2026, 11, 4, 9, 0))
    assert deadline_running(rect, "inspection.rectify") is None
    with pytest.raises(DomainError) as err:  # the owner does not verify his own work
        rectification_verify(rect=rect, actor=owner.user, passed=True, now=at(2026, 11, 4, 10, 0))
    assert err.value.code == "same_person"
    rect = rectification_verify(rect=rect, actor=site_a.users["cs_supervisor"], passed=False, note="仍有污渍",
                                now=at(2026, 11, 4, 10, 0))
    assert rect.status == Rectification.Status.OPEN and rect.reopened == 1
    assert deadline_running(rect, "inspection.rectify").due_at == at(2026, 11, 6, 18, 0)
    rectification_report_done(rect=rect, actor=owner.user, note="再次清洗", now=at(2026, 11, 5, 9, 0))
    rect = rectification_verify(rect=rect, actor=site_a.users["cs_supervisor"], passed=True, note="合格",
                                now=at(2026, 11, 5, 10, 0))
    assert rect.status == Rectification.Status.VERIFIED
    with pytest.raises(DomainError):
        rectification_verify(rect=rect, actor=site_a.users["site_director"], passed=True, now=at(2026, 11, 5, 11, 0))


# SPEC: cadences as policies; a missed one is overdue exactly once (frozen clock)
def test_cadence_missed_exactly_once(site_a, checklist):
    tue = date(2026, 11, 3)
    made = duties_open(site=site_a.site, day=tue, now=at(2026, 11, 3, 0, 10))
    kinds = sorted(InspectionDuty.objects.filter(site=site_a.site).values_list("kind", flat=True))
    # one zone with a manager: daily + zone team weekly + CS weekly; supervisors weekly; 4 departments; company
    assert kinds == sorted([Kind.ZONE_MANAGER, Kind.ZONE_TEAM, Kind.CS_ZONE, Kind.CS_SUPERVISORS, Kind.COMPANY]
                           + [Kind.DEPARTMENT] * 4)
    assert made == 9
    assert duties_open(site=site_a.site, day=tue, now=at(2026, 11, 3, 0, 20)) == 0  # idempotent
    daily = InspectionDuty.objects.get(kind=Kind.ZONE_MANAGER)
    weekly = InspectionDuty.objects.get(kind=Kind.CS_ZONE)
    assert deadline_running(daily, "inspection.zone.daily").due_at == at(2026, 11, 3, 18, 0)
    assert deadline_running(weekly, "inspection.zone.weekly").due_at == at(2026, 11, 9, 0, 0)
    # the CS supervisor inspects the zone this week: that duty is met
    inspection_record(site=site_a.site, kind=Kind.CS_ZONE, template=checklist, actor=site_a.users["cs_supervisor"],
                      zone=site_a.zone, entries=entries(checklist, [10, 5]), now=at(2026, 11, 4, 15, 0))
    weekly.refresh_from_db()
    assert weekly.done_at is not None and deadline_running(weekly, "inspection.zone.weekly") is None
    # the zone manager does not inspect on Tuesday: overdue at 18:00, once
    deadline_breach_due(now=at(2026, 11, 3, 17, 59))
    daily.refresh_from_db()
    assert not daily.missed
    deadline_breach_due(now=at(2026, 11, 3, 18, 1))
    deadline_breach_due(now=at(2026, 11, 3, 18, 2))
    daily.refresh_from_db()
    assert daily.missed
    assert Deadline.objects.filter(code="inspection.zone.daily", subject_id=daily.pk,
                                   state=Deadline.State.BREACHED).count() == 1
    # a late inspection on Wednesday belongs to Wednesday's duty, not Tuesday's
    duties_open(site=site_a.site, day=tue + timedelta(days=1), now=at(2026, 11, 4, 0, 10))
    inspection_record(site=site_a.site, kind=Kind.ZONE_MANAGER, template=checklist,
                      actor=site_a.users["zone_manager"], zone=site_a.zone, entries=entries(checklist, [10, 5]),
                      now=at(2026, 11, 4, 9, 0))
    daily.refresh_from_db()
    assert daily.missed and daily.inspection is None
    assert InspectionDuty.objects.get(kind=Kind.ZONE_MANAGER, period_start=tue + timedelta(days=1)).done_at
