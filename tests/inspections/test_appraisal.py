"""SPEC A-03 (zone self-assessment), A-05 (monthly staff appraisal per seed 002 §8(三)), A-06 / O-04."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from callbacks.models import Callback
from core.deadlines import deadline_running
from core.errors import DomainError
from core.roles import Role
from estates.models import Department, Unit
from inspections.appraisal import (
    appraisal_lock,
    appraisal_missing,
    appraisal_prepare,
    appraisal_score,
    recognition_draw,
    recognition_rates,
    recognition_record,
    self_assessment_review,
    self_assessment_score,
)
from inspections.models import (
    AppraisalRule,
    ChecklistItem,
    ChecklistTemplate,
    Kind,
    Part,
    Post,
    SelfAssessment,
    StaffPost,
)
from inspections.services import ItemEntry, inspection_record, ranking_draft, ranking_lock
from tests.factories import ResidentFactory, make_staff
from tests.inspections.conftest import at, complaint

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)


def _unsatisfied(ns, unit, when):
    return Callback.objects.create(
        site=ns.site, kind=Callback.Kind.TICKET, subject_type=ContentType.objects.get_for_model(Unit),
        subject_id=unit.pk, unit=unit, status=Callback.Status.DONE, result="unsatisfied", answered_at=when,
        due_at=when)


# SPEC A-03: each unsatisfied routine callback −1; scored by the zone manager, reviewed by the CS supervisor
def test_self_assessment(site_a):
    unit = site_a.units[0]
    for day in (3, 9, 20):
        _unsatisfied(site_a, unit, at(2026, 11, day, 10))
    _unsatisfied(site_a, unit, at(2026, 12, 1, 10))  # next month: not counted
    month = ranking_draft(site=site_a.site, month=NOV, now=at(2026, 12, 1, 2))
    sa = SelfAssessment.objects.get(month=month, zone=site_a.zone)
    assert (sa.unsatisfied, sa.computed, sa.score) == (3, Decimal("100"), Decimal("97.00")) or \
        (sa.unsatisfied, sa.score) == (3, Decimal("97.00"))
    with pytest.raises(DomainError) as err:  # reviewed before it was scored
        self_assessment_review(sa=sa, actor=site_a.users["cs_supervisor"])
    assert err.value.code == "not_scored"
    with pytest.raises(DomainError) as err:  # only the zone's own manager scores
        self_assessment_score(sa=sa, actor=site_a.users["cs_supervisor"])
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        self_assessment_score(sa=sa, actor=site_a.users["zone_manager"], adjustment=Decimal("1"))
    assert err.value.code == "reason"
    sa = self_assessment_score(sa=sa, actor=site_a.users["zone_manager"], adjustment=Decimal("-2"),
                               reason="公区卫生死角")
    assert sa.score == Decimal("95.00")
    sa = self_assessment_review(sa=sa, actor=site_a.users["cs_supervisor"])
    assert sa.reviewed_at is not None
    with pytest.raises(DomainError) as err:
        self_assessment_score(sa=sa, actor=site_a.users["zone_manager"])
    assert err.value.code == "locked"


# SPEC A-03 misuse: the same person scoring and reviewing
def test_self_assessment_same_person_refused(site_a):
    both = make_staff(site_a.site, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, zone=site_a.zone)
    site_a.zone.manager = both
    site_a.zone.save()
    month = ranking_draft(site=site_a.site, month=NOV, now=at(2026, 12, 1, 2))
    sa = self_assessment_score(sa=SelfAssessment.objects.get(month=month), actor=both.user)
    with pytest.raises(DomainError) as err:
        self_assessment_review(sa=sa, actor=both.user)
    assert err.value.code == "same_person"


# SPEC A-05: the composition table of seed 002 §8(三) is data, one row set per post, each adding to 100
def test_composition_table_seeded():
    table = {}
    for r in AppraisalRule.objects.filter(site__isnull=True):
        table.setdefault(r.post, {})[r.part] = r.weight
    assert table == {
        Post.CS_SUPERVISOR: {Part.SELF: 50, Part.DIRECTOR: 50},
        Post.FRONT_DESK: {Part.SELF: 50, Part.SUPERVISOR: 50},
        Post.ZONE_STAFF: {Part.SELF: 50, Part.SUPERVISOR: 50},
        Post.DEPT_SUPERVISOR: {Part.SELF: 50, Part.RANKING: 5, Part.INSPECTION: 5, Part.DIRECTOR: 40},
        Post.TEAM_LEADER: {Part.SELF: 50, Part.SUPERVISOR: 50},
        Post.DEPT_STAFF: {Part.ZONE_TEAM: 30, Part.SUPERVISOR: 70},
    }


def _score(month, staff, part, actor, value):
    p = month.appraisals.get(staff=staff).parts.get(part=part)
    return appraisal_score(part=p, actor=actor, score=Decimal(value))


# SPEC A-05: each post's composition, each scorer in their own login, missing parts, the director locks
def test_appraisal_each_post(site_a):
    s, u = site_a.staff, site_a.users
    leader = make_staff(site_a.site, Role.DEPT_STAFF, department=site_a.depts[Department.Kind.ENGINEERING])
    StaffPost.objects.create(staff=leader, post=Post.TEAM_LEADER)
    worker = s["dept_staff"]
    for member in (worker, s["security_officer"]):  # department workers of the zone team
        member.zone = site_a.zone
        member.save()
    # A-02 ranking of November: one zone, the CS inspection below (80), 1 valid complaint → 24 + 66.5 = 90.50
    complaint(site_a, site_a.units[0], at(2026, 11, 4, 9))
    # a public-area repairs inspection by the CS supervisor scored 80 (the engineering supervisor's 5 %)
    t = ChecklistTemplate.objects.create(name="维修百分制", area="engineering")
    item = ChecklistItem.objects.create(template=t, position=1, text="设施", max_score=100)
    inspection_record(site=site_a.site, kind=Kind.CS_ZONE, template=t, actor=u["cs_supervisor"], zone=site_a.zone,
                      entries=[ItemEntry(item_id=item.pk, passed=True, score=80)], now=at(2026, 11, 10, 10))
    month = ranking_draft(site=site_a.site, month=NOV, now=at(2026, 12, 1, 2))
    sa = self_assessment_score(sa=month.self_assessments.get(), actor=u["zone_manager"])
    self_assessment_review(sa=sa, actor=u["cs_supervisor"])  # 100: no unsatisfied callback
    ranking_lock(month=month, actor=u["site_director"], now=at(2026, 12, 2, 9))
    month = appraisal_prepare(site=site_a.site, month=NOV, now=at(2026, 12, 2, 10))
    posts = {a.staff_id: a.post for a in month.appraisals.all()}
    assert posts[s["cs_supervisor"].pk] == Post.CS_SUPERVISOR and posts[s["front_desk"].pk] == Post.FRONT_DESK
    assert posts[s["zone_staff"].pk] == Post.ZONE_STAFF and posts[s["dept_supervisor"].pk] == Post.DEPT_SUPERVISOR
    assert posts[leader.pk] == Post.TEAM_LEADER and posts[worker.pk] == Post.DEPT_STAFF
    assert s["site_director"].pk not in posts and s["finance"].pk not in posts
    # computed parts are filled: ranking 90.50, inspection 80.00, zone team 100.00
    sup = month.appraisals.get(staff=s["dept_supervisor"])
    assert {p.part: p.score for p in sup.parts.all()}[Part.RANKING] == Decimal("90.50")
    assert {p.part: p.score for p in sup.parts.all()}[Part.INSPECTION] == Decimal("80.00")
    assert month.appraisals.get(staff=worker).parts.get(part=Part.ZONE_TEAM).score == Decimal("100.00")
    # refusals: someone else's self part, the zone team part by hand, a score out of range
    with pytest.raises(DomainError) as err:
        _score(month, s["front_desk"], Part.SELF, u["cs_supervisor"], 90)
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        _score(month, worker, Part.ZONE_TEAM, u["dept_supervisor"], 90)
    assert err.value.code == "derived"
    with pytest.raises(DomainError) as err:
        _score(month, s["front_desk"], Part.SELF, u["front_desk"], 101)
    assert err.value.code == "score"
    with pytest.raises(DomainError) as err:  # the CS supervisor does not score a department's staff
        _score(month, worker, Part.SUPERVISOR, u["cs_supervisor"], 90)
    assert err.value.code == "not_allowed"
    # each scorer in their own login
    _score(month, s["cs_supervisor"], Part.SELF, u["cs_supervisor"], 90)
    _score(month, s["cs_supervisor"], Part.DIRECTOR, u["site_director"], 80)
    _score(month, s["front_desk"], Part.SELF, u["front_desk"], 95)
    _score(month, s["front_desk"], Part.SUPERVISOR, u["cs_supervisor"], 85)
    _score(month, s["zone_staff"], Part.SELF, u["zone_staff"], 90)
    _score(month, s["zone_staff"], Part.SUPERVISOR, u["cs_supervisor"], 66.5)
    _score(month, s["dept_supervisor"], Part.SELF, u["dept_supervisor"], 90)
    _score(month, leader, Part.SELF, leader.user, 88)
    _score(month, leader, Part.SUPERVISOR, u["dept_supervisor"], 92)
    _score(month, worker, Part.SUPERVISOR, u["dept_supervisor"], 80)
    missing = [(p.appraisal.staff_id, p.part) for p in appraisal_missing(month)]
    assert (s["dept_supervisor"].pk, Part.DIRECTOR) in missing
    with pytest.raises(DomainError) as err:
        appraisal_lock(month=month, actor=u["site_director"])
    assert err.value.code == "missing"
    _score(month, s["dept_supervisor"], Part.DIRECTOR, u["site_director"], 85)
    for staff in (s["zone_manager"], s["security_supervisor"], s["security_officer"]):
        for p in month.appraisals.get(staff=staff).parts.filter(score__isnull=True):
            if p.part == Part.SELF:
                appraisal_score(part=p, actor=staff.user, score=Decimal("80"))
            elif p.part == Part.SUPERVISOR:
                actor = u["cs_supervisor"] if p.appraisal.post == Post.ZONE_STAFF else u["security_supervisor"]
                appraisal_score(part=p, actor=actor, score=Decimal("80"))
            elif p.part == Part.DIRECTOR:
                appraisal_score(part=p, actor=u["site_director"], score=Decimal("80"))
    for p in appraisal_missing(month):  # the security supervisor's inspection part: no security inspection
        assert (p.appraisal.staff_id, p.part) == (s["security_supervisor"].pk, Part.INSPECTION)
    totals = {a.staff_id: a.total for a in month.appraisals.all()}
    assert totals[s["cs_supervisor"].pk] == Decimal("85.00")  # 50 % × 90 + 50 % × 80
    assert totals[s["front_desk"].pk] == Decimal("90.00")  # 50 % × 95 + 50 % × 85
    assert totals[s["zone_staff"].pk] == Decimal("78.25")  # 50 % × 90 + 50 % × 66.5
    assert totals[s["dept_supervisor"].pk] == Decimal("87.53")  # 45 + 4.525 + 4 + 34 = 87.525 → 87.53
    assert totals[leader.pk] == Decimal("90.00")  # 50 % × 88 + 50 % × 92
    assert totals[worker.pk] == Decimal("86.00")  # 30 % × 100 + 70 % × 80
    with pytest.raises(DomainError) as err:  # still one computed part missing
        appraisal_lock(month=month, actor=u["site_director"])
    assert err.value.code == "missing"
    # a public-area order/security inspection arrives; preparing again fills the computed part
    sec_t = ChecklistTemplate.objects.create(name="秩序百分制", area="security")
    sec_item = ChecklistItem.objects.create(template=sec_t, position=1, text="岗位", max_score=100)
    inspection_record(site=site_a.site, kind=Kind.CS_ZONE, template=sec_t, actor=u["cs_supervisor"],
                      zone=site_a.zone, entries=[ItemEntry(item_id=sec_item.pk, passed=True, score=70)],
                      now=at(2026, 11, 28, 10))
    month = appraisal_prepare(site=site_a.site, month=NOV, now=at(2026, 12, 3, 10))
    assert appraisal_missing(month) == []
    # scores already entered are kept
    assert month.appraisals.get(staff=s["front_desk"]).total == Decimal("90.00")
    assert deadline_running(month, "assessment.monthly") is not None
    appraisal_lock(month=month, actor=u["site_director"], now=at(2026, 12, 4, 9))
    assert deadline_running(month, "assessment.monthly") is None  # both locked by the 5th
    with pytest.raises(DomainError) as err:  # a locked month edited
        _score(month, s["front_desk"], Part.SELF, u["front_desk"], 60)
    assert err.value.code == "locked"


# SPEC A-06 / O-04: random draw, who knew name and unit, the zone's rate against 90 %
def test_recognition_spot_checks(site_a, site_b):
    residents = recognition_draw(zone=site_a.zone, n=10, seed="2026-11")
    assert len(residents) == 3 and residents == recognition_draw(zone=site_a.zone, n=10, seed="2026-11")
    zs, zm = site_a.staff["zone_staff"], site_a.staff["zone_manager"]
    answers = [(r, m, not (r == residents[0] and m == zs)) for r in residents for m in (zs, zm)]
    recognition_record(zone=site_a.zone, actor=site_a.users["zone_manager"], answers=answers, seed="2026-11",
                       now=at(2026, 11, 15, 10))
    rates = recognition_rates(site_ids=[site_a.site.pk], start=at(2026, 11, 1), end=at(2026, 12, 1))
    assert rates[site_a.zone.pk] == {"asked": 6, "knew": 5, "rate": Decimal("0.8333"), "met": False}
    # the zone's rate is in the monthly report
    from inspections.report_sections import InspectionSection

    block = InspectionSection().monthly(site_ids=[site_a.site.pk], start=at(2026, 11, 1), end=at(2026, 12, 1))
    assert block.table("recognition").rows == [[site_a.zone.name, 6, 5, Decimal("0.8333"), "否"]]
    with pytest.raises(DomainError) as err:  # a resident of another site
        recognition_record(zone=site_a.zone, actor=site_a.users["zone_manager"],
                           answers=[(ResidentFactory(unit=site_b.units[0], site=site_b.site), zs, True)])
    assert err.value.code == "resident"
    with pytest.raises(DomainError) as err:  # not a member of the zone team
        recognition_record(zone=site_a.zone, actor=site_a.users["zone_manager"],
                           answers=[(residents[0], site_a.staff["front_desk"], True)])
    assert err.value.code == "staff"
    with pytest.raises(DomainError) as err:
        recognition_record(zone=site_a.zone, actor=site_a.users["front_desk"], answers=[(residents[0], zs, True)])
    assert err.value.code == "not_allowed"


# SPEC A-05: a site's own composition for a post replaces the company's
def test_site_composition_override(site_a):
    from inspections.appraisal import rules_for

    assert sorted(rules_for(site_a.site.pk, Post.DEPT_SUPERVISOR)) == [("director", 40), ("inspection", 5),
                                                                      ("ranking", 5), ("self", 50)]
    AppraisalRule.objects.create(site=site_a.site, post=Post.DEPT_SUPERVISOR, part=Part.SELF, weight=50)
    with pytest.raises(DomainError) as err:  # 50 % only: refused until the table adds up
        rules_for(site_a.site.pk, Post.DEPT_SUPERVISOR)
    assert err.value.code == "composition"
    AppraisalRule.objects.create(site=site_a.site, post=Post.DEPT_SUPERVISOR, part=Part.DIRECTOR, weight=50)
    assert sorted(rules_for(site_a.site.pk, Post.DEPT_SUPERVISOR)) == [("director", 50), ("self", 50)]
