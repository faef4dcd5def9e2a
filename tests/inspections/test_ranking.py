"""SPEC A-02: the monthly zone team score and forced ranking, against a hand-counted fixture."""

from datetime import date
from decimal import Decimal

import pytest

from core.deadlines import deadline_running
from core.errors import DomainError
from core.roles import Role
from inspections.models import AssessmentMonth, ChecklistItem, ChecklistTemplate, Kind
from inspections.report_sections import InspectionSection
from inspections.services import ItemEntry, inspection_record, ranking_adjust, ranking_draft, ranking_lock
from inspections.tasks import ranking_draft_task
from tests.factories import make_staff
from tests.inspections.conftest import at, complaint, zone_with_unit

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def _inspect(ns, template, zone, kind, score, when):
    actor = ns.users["zone_manager"] if kind == Kind.ZONE_MANAGER else ns.users["cs_supervisor"]
    if kind == Kind.COMPANY:
        actor = make_staff(None, Role.COMPANY_LEADER).user
    item = template.items.get()
    return inspection_record(site=ns.site, kind=kind, template=template, actor=actor, zone=zone, now=when,
                             entries=[ItemEntry(item_id=item.pk, passed=True, score=score)])


@pytest.fixture
def month_fixture(site_a):
    """Hand-counted November 2026 (zones Z1 = the site's first zone):

    zone  inspections (RANKING_KINDS)  valid  praise  resident  30%×insp + 70%×resident = score
    Z1    CS 90, CS 80 → 85.00          2      1       92        25.50 + 64.40 = 89.90
    Z2    company 70 → 70.00            0      0       100       21.00 + 70.00 = 91.00
    Z3    CS 100 → 100.00               1      0       95        30.00 + 66.50 = 96.50
    Z4    CS 84 → 84.00                 2      2       94        25.20 + 65.80 = 91.00
    Z5    none → 0                      0      0       100        0.00 + 70.00 = 70.00
    Not counted: Z1's invalid complaint, Z1's praise of October, Z2's zone-manager self-inspection (0),
    Z3's valid complaint of December.
    Order: Z3, Z4 (ties Z2 at 91.00, higher inspection score), Z2, Z1, Z5.
    """
    t = ChecklistTemplate.objects.create(name="百分制", area="cs")
    ChecklistItem.objects.create(template=t, position=1, text="综合", max_score=100)
    z1, u1 = site_a.zone, site_a.units[0]
    z2, u2 = zone_with_unit(site_a, "Z2")
    z3, u3 = zone_with_unit(site_a, "Z3")
    z4, u4 = zone_with_unit(site_a, "Z4")
    z5, _u5 = zone_with_unit(site_a, "Z5")
    _inspect(site_a, t, z1, Kind.CS_ZONE, 90, at(2026, 11, 3, 10))
    _inspect(site_a, t, z1, Kind.CS_ZONE, 80, at(2026, 11, 17, 10))
    _inspect(site_a, t, z2, Kind.COMPANY, 70, at(2026, 11, 20, 10))
    _inspect(site_a, t, z2, Kind.ZONE_MANAGER, 0, at(2026, 11, 21, 10))
    _inspect(site_a, t, z3, Kind.CS_ZONE, 100, at(2026, 11, 10, 10))
    _inspect(site_a, t, z4, Kind.CS_ZONE, 84, at(2026, 11, 30, 23, 59))
    complaint(site_a, u1, at(2026, 11, 2, 9))
    complaint(site_a, u1, at(2026, 11, 12, 9))
    complaint(site_a, u1, at(2026, 11, 13, 9), valid=False)
    complaint(site_a, u1, at(2026, 11, 14, 9), praise=True)
    complaint(site_a, u1, at(2026, 10, 31, 23, 59), praise=True)
    complaint(site_a, u3, at(2026, 11, 5, 9))
    complaint(site_a, u3, at(2026, 12, 1, 0, 0))
    complaint(site_a, u4, at(2026, 11, 6, 9))
    complaint(site_a, u4, at(2026, 11, 7, 9))
    complaint(site_a, u4, at(2026, 11, 8, 9), praise=True)
    complaint(site_a, u4, at(2026, 11, 9, 9), praise=True)
    return {"z1": z1, "z2": z2, "z3": z3, "z4": z4, "z5": z5}


def _table(month):
    return [(s.rank, s.zone.name, s.final) for s in month.scores.select_related("zone").order_by("rank")]


# SPEC A-02: 30 % public-area inspection + 70 % resident evaluation, ties by the stated rule
def test_ranking_hand_counted(site_a, month_fixture, time_machine):
    time_machine.move_to(at(2026, 12, 1, 2, 0), tick=False)
    assert ranking_draft_task() == 1  # beat: the 1st drafts last month
    month = AssessmentMonth.objects.get(site=site_a.site, month=NOV)
    z1 = site_a.zone.name
    assert _table(month) == [(1, "Z3", Decimal("96.50")), (2, "Z4", Decimal("91.00")), (3, "Z2", Decimal("91.00")),
                             (4, z1, Decimal("89.90")), (5, "Z5", Decimal("70.00"))]
    s1 = month.scores.get(zone=month_fixture["z1"])
    assert (s1.inspection_score, s1.inspections, s1.valid_complaints, s1.praise, s1.resident_score) == (
        Decimal("85.00"), 2, 2, 1, Decimal("92.00"))
    # assessment.monthly: locked by the 5th (5 days from the draft)
    assert deadline_running(month, "assessment.monthly").due_at == at(2026, 12, 6, 2, 0)
    # the CS supervisor adjusts with a reason; the ranking follows
    ranking_adjust(score=s1, actor=site_a.users["cs_supervisor"], delta=Decimal("2"), reason="协助处理突发事件",
                   now=at(2026, 12, 2, 9))
    assert _table(month)[:4] == [(1, "Z3", Decimal("96.50")), (2, z1, Decimal("91.90")),
                                 (3, "Z4", Decimal("91.00")), (4, "Z2", Decimal("91.00"))]
    # a re-draft keeps the adjustment
    ranking_draft(site=site_a.site, month=NOV, now=at(2026, 12, 2, 10))
    assert month.scores.get(zone=month_fixture["z1"]).final == Decimal("91.90")
    ranking_lock(month=month, actor=site_a.users["site_director"], now=at(2026, 12, 3, 9))
    # the clock waits for the appraisal lock too (A-05; see test_appraisal)
    assert deadline_running(month, "assessment.monthly") is not None
    # the monthly report shows the locked ranking instead of an order count
    block = InspectionSection().monthly(site_ids=[site_a.site.pk], start=at(2026, 11, 1), end=at(2026, 12, 1))
    table = block.table("zone_ranking")
    assert [(r[0], r[1], r[7]) for r in table.rows][:2] == [(1, "Z3", Decimal("96.50")), (2, z1, Decimal("91.90"))]
    assert not block.notes


# SPEC A-02 misuse: a locked month edited, no reason, the same person scoring and reviewing
def test_ranking_misuse_refused(site_a, month_fixture):
    month = ranking_draft(site=site_a.site, month=NOV, now=at(2026, 12, 1, 2))
    s1 = month.scores.get(zone=month_fixture["z1"])
    with pytest.raises(DomainError) as err:
        ranking_adjust(score=s1, actor=site_a.users["cs_supervisor"], delta=Decimal("1"), reason=" ")
    assert err.value.code == "reason"
    with pytest.raises(DomainError) as err:
        ranking_adjust(score=s1, actor=site_a.users["cs_supervisor"], delta=Decimal("500"), reason="x")
    assert err.value.code == "delta"
    with pytest.raises(DomainError) as err:
        ranking_adjust(score=s1, actor=site_a.users["site_director"], delta=Decimal("1"), reason="x")
    assert err.value.code == "not_allowed"
    both = make_staff(site_a.site, Role.CS_SUPERVISOR, Role.SITE_DIRECTOR).user
    ranking_adjust(score=s1, actor=both, delta=Decimal("-1.5"), reason="卫生死角")
    with pytest.raises(DomainError) as err:
        ranking_lock(month=month, actor=both)
    assert err.value.code == "same_person"
    ranking_lock(month=month, actor=site_a.users["site_director"])
    with pytest.raises(DomainError) as err:
        ranking_adjust(score=s1, actor=site_a.users["cs_supervisor"], delta=Decimal("1"), reason="x")
    assert err.value.code == "locked"
    with pytest.raises(DomainError) as err:
        ranking_draft(site=site_a.site, month=NOV)
    assert err.value.code == "locked"


# SPEC A-02 / D-01: before the draft the dashboard computes last month's ranking live, marked draft
def test_dashboard_live_ranking(site_a, month_fixture):
    block = InspectionSection().dashboard(site_ids=[site_a.site.pk], now=at(2026, 12, 1, 1, 0))
    table = block.table("zone_ranking")
    assert [r[1] for r in table.rows] == ["Z3", "Z4", "Z2", site_a.zone.name, "Z5"]
    assert "draft" in table.title.lower() or "草稿" in table.title
