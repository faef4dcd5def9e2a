"""SPEC CB-04 (routine visit plans), CB-06 (quality sampling), CB-07 (rates)."""

import random
from datetime import date
from decimal import Decimal

import pytest

from callbacks.models import Callback, CallbackSettings, Result, SamplingDraw, Visit, VisitPlan
from callbacks.selectors import callback_rates, visit_plan_progress, visit_shortfall
from callbacks.services import (
    callback_attempt_record,
    callback_request,
    callback_settings_update,
    sampling_draw,
    visit_plan_generate,
    visit_record,
)
from callbacks.services.visits import rank_units
from callbacks.tasks import visit_plans_monthly_task
from core.deadlines import deadline_running
from core.errors import DomainError
from tests.callbacks.conftest import at, make_units

pytestmark = pytest.mark.django_db


def _visit(visit, user, when):
    return visit_record(visit=visit, actor=user, result=Result.SATISFIED, signed_on_paper=True, signer_name="业主",
                        now=when)


# SPEC CB-04: 10 households for the director, 15 for the zone manager, never-visited and longest-ago first
def test_monthly_plan_selection_order(site_a):
    units = make_units(site_a, 40)
    # October: visit 20 households (units[0..19]) on different days; the rest never visited
    october = visit_plan_generate(site=site_a.site, month=date(2026, 10, 1), now=at(2026, 10, 1, 0, 30))
    assert [p.target for p in october] == [10, 15]
    october_visits = list(Visit.objects.filter(plan__in=october).order_by("plan_id", "position"))
    for day, v in enumerate(october_visits[:20], start=1):
        _visit(v, v.plan.visitor, at(2026, 10, day, 10, 0))
    visited_order = [v.unit_id for v in october_visits[:20]]  # visited on day 1..20

    plans = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 0, 30))
    director, manager = plans
    assert (director.role, director.visitor) == (VisitPlan.Role.SITE_DIRECTOR, site_a.users["site_director"])
    assert (manager.role, manager.visitor, manager.zone) == (VisitPlan.Role.ZONE_MANAGER,
                                                             site_a.users["zone_manager"], site_a.zone)
    d_units = list(director.visits.order_by("position").values_list("unit_id", flat=True))
    m_units = list(manager.visits.order_by("position").values_list("unit_id", flat=True))
    assert (len(d_units), len(m_units)) == (10, 15)
    assert not set(d_units) & set(m_units)
    all_units = {u.pk for u in site_a.units} | {u.pk for u in units}
    never = all_units - set(visited_order)
    # 23 never-visited households come first (10 + 13), then the ones visited longest ago
    chosen = d_units + m_units
    assert set(chosen[:23]) == never
    assert chosen[23:] == visited_order[:2]


# SPEC CB-04: reproducible (seeded tie-break) and idempotent (a doubled beat changes nothing)
def test_monthly_plan_reproducible_and_idempotent(site_a):
    make_units(site_a, 30)
    ids = [u for u in range(1, 60)]
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    assert rank_units(ids, last={}, seed="TA:2026-11") == rank_units(shuffled, last={}, seed="TA:2026-11")
    assert rank_units(ids, last={}, seed="TA:2026-11") != rank_units(ids, last={}, seed="TA:2026-12")

    first = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 0, 30))
    order = [list(p.visits.order_by("position").values_list("unit_id", flat=True)) for p in first]
    again = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 0, 31))
    assert [p.pk for p in again] == [p.pk for p in first]
    assert Visit.objects.count() == 25
    # regenerate from scratch (test only): the same households in the same order
    Visit.objects.all().delete()
    VisitPlan.objects.all().delete()
    fresh = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 2, 9, 0))
    assert [list(p.visits.order_by("position").values_list("unit_id", flat=True)) for p in fresh] == order


# SPEC CB-04: the monthly beat task calls the service for every site
def test_monthly_task(site_a, site_b, time_machine):
    time_machine.move_to(at(2026, 12, 1, 0, 30), tick=False)
    assert visit_plans_monthly_task() == 4
    assert visit_plans_monthly_task() == 4
    assert VisitPlan.objects.filter(month=date(2026, 12, 1)).count() == 4


# SPEC CB-04: progress, the visit.monthly clock and the shortfall at month end
def test_progress_and_shortfall(site_a):
    make_units(site_a, 30)
    plans = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 0, 30))
    director = plans[0]
    assert deadline_running(director, "visit.monthly").due_at.date() == date(2026, 11, 30)
    for i, v in enumerate(director.visits.order_by("position")[:4]):
        _visit(v, site_a.users["site_director"], at(2026, 11, 3 + i, 10, 0))
    rows = {r["plan"].pk: r for r in visit_plan_progress(site_ids=[site_a.site.pk], month=date(2026, 11, 1))}
    assert (rows[director.pk]["done"], rows[director.pk]["shortfall"], rows[director.pk]["percent"]) == (4, 6, 40)
    short = visit_shortfall(site_ids=[site_a.site.pk], month=date(2026, 11, 1))
    assert {r["plan"].pk: r["shortfall"] for r in short} == {director.pk: 6, plans[1].pk: 15}
    for i, v in enumerate(director.visits.filter(visited_at__isnull=True)):
        _visit(v, site_a.users["site_director"], at(2026, 11, 10 + i, 10, 0))
    assert deadline_running(director, "visit.monthly") is None


# SPEC CB-04: a routine visit needs the signature; only the planned visitor (or a supervisor) records it
def test_visit_record_rules(site_a, site_b):
    make_units(site_a, 20)
    plan = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 0, 30))[1]
    visit = plan.visits.first()
    with pytest.raises(DomainError) as err:
        visit_record(visit=visit, actor=site_a.users["zone_manager"], result=Result.SATISFIED)
    assert err.value.code == "signature_required"
    with pytest.raises(DomainError):
        _visit(visit, site_a.users["zone_staff"], at(2026, 11, 2, 10, 0))
    with pytest.raises(DomainError):
        _visit(visit, site_b.users["site_director"], at(2026, 11, 2, 10, 0))
    # CB-05: an open question becomes a promised reply
    visit_record(visit=visit, actor=site_a.users["zone_manager"], result=Result.BASICALLY,
                 signature="data:image/png;base64,AA", question="电梯何时年检？",
                 reply_due_at=at(2026, 11, 5, 12, 0), now=at(2026, 11, 2, 10, 0))
    reply = visit.promised_replies.get()
    assert deadline_running(reply, "callback.promised_reply").due_at == at(2026, 11, 5, 12, 0)


def _candidates(ns, n):
    units = make_units(ns, n, building_number="9")
    return [(u, u, u.residents.first()) for u in units]


# SPEC CB-06: 10% of closed complaints by default (rounded up), at least 30% of those in person
@pytest.mark.parametrize(("n", "drawn", "in_person"), [(25, 3, 1), (100, 10, 3), (40, 4, 2), (0, 0, 0)])
def test_sampling_shares(site_a, n, drawn, in_person):
    draw = sampling_draw(site=site_a.site, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                         candidates=_candidates(site_a, n), now=at(2026, 11, 1, 1, 0))
    assert (draw.share, draw.drawn, draw.in_person) == (Decimal("0.100"), drawn, in_person)
    cbs = Callback.objects.filter(sampling_draw=draw, kind=Callback.Kind.SAMPLING)
    assert cbs.count() == drawn
    assert cbs.filter(in_person_required=True).count() == in_person
    if drawn:
        assert cbs.filter(in_person_required=True).count() / drawn >= 0.3


# SPEC CB-06: the share is a site setting; at least 30% in person is enforced
def test_sampling_share_setting(site_a):
    with pytest.raises(DomainError):
        callback_settings_update(site=site_a.site, actor=site_a.users["zone_staff"], sampling_share=Decimal("0.2"))
    with pytest.raises(DomainError):
        callback_settings_update(site=site_a.site, actor=site_a.users["cs_supervisor"], sampling_share=Decimal("0.2"),
                                 in_person_share=Decimal("0.2"))
    callback_settings_update(site=site_a.site, actor=site_a.users["cs_supervisor"], sampling_share=Decimal("0.2"),
                             in_person_share=Decimal("0.5"))
    assert CallbackSettings.objects.get(site=site_a.site).history.count() >= 1
    draw = sampling_draw(site=site_a.site, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31),
                         candidates=_candidates(site_a, 20), now=at(2026, 11, 1, 1, 0))
    assert (draw.drawn, draw.in_person) == (4, 2)


# SPEC CB-06: reproducible (seeded by site and period) and idempotent; in-person ones need a visit
def test_sampling_reproducible(site_a, outcomes):
    cands = _candidates(site_a, 50)
    kw = {"site": site_a.site, "period_start": date(2026, 10, 1), "period_end": date(2026, 10, 31),
          "now": at(2026, 11, 1, 1, 0)}
    draw = sampling_draw(candidates=cands, **kw)
    picked = sorted(Callback.objects.filter(sampling_draw=draw).values_list("subject_id", flat=True))
    assert sampling_draw(candidates=list(reversed(cands)), **kw).pk == draw.pk
    # a fresh draw from the candidates in another order gives the same households
    Callback.objects.filter(sampling_draw=draw).update(sampling_draw=None, status=Callback.Status.CANCELLED)
    SamplingDraw.objects.all().delete()
    again = sampling_draw(candidates=list(reversed(cands)), **kw)
    assert sorted(Callback.objects.filter(sampling_draw=again).values_list("subject_id", flat=True)) == picked
    in_person = Callback.objects.filter(sampling_draw=again, in_person_required=True).first()
    with pytest.raises(DomainError) as err:
        callback_attempt_record(callback=in_person, actor=site_a.users["zone_staff"], method="phone",
                                number_dialled="1", result=Result.SATISFIED)
    assert err.value.code == "in_person_required"


# SPEC CB-07: callback rate and timeliness per site, zone and staff
def test_callback_rates(site_a, site_b):
    staff = site_a.users["zone_staff"]
    cbs = [callback_request(subject=u, site_id=site_a.site.pk, kind="ticket", policy_code="ticket.callback",
                            unit=u, now=at(2026, 11, 2, 10, 0)) for u in site_a.units]  # due 11-03 18:00
    callback_attempt_record(callback=cbs[0], actor=staff, method="phone", number_dialled="1",
                            result=Result.SATISFIED, now=at(2026, 11, 3, 10, 0))  # on time
    callback_attempt_record(callback=cbs[1], actor=staff, method="phone", number_dialled="1",
                            result=Result.SATISFIED, now=at(2026, 11, 4, 10, 0))  # late
    callback_request(subject=site_b.units[0], site_id=site_b.site.pk, kind="ticket", policy_code="ticket.callback",
                     unit=site_b.units[0], now=at(2026, 11, 2, 10, 0))
    r = callback_rates(site_ids=[site_a.site.pk], start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert r["total"] == {"due": 3, "called": 2, "timely": 1, "rate": 2 / 3, "timeliness": 1 / 3}
    assert r["sites"][site_a.site.pk]["due"] == 3
    assert r["zones"][site_a.zone.pk]["called"] == 2
    assert r["staff"][staff.pk]["timely"] == 1
    assert site_b.site.pk not in r["sites"]
    empty = callback_rates(site_ids=[site_a.site.pk], start=date(2026, 12, 1), end=date(2027, 1, 1))
    assert empty["total"]["rate"] is None


# SPEC CB-06: the monthly task draws last month's candidates from the registered providers, once
def test_sampling_monthly_task(site_a, time_machine):
    from callbacks import hooks
    from callbacks.tasks import sampling_monthly_task

    cands = _candidates(site_a, 30)
    seen = []

    def provider(*, site, period_start, period_end):
        seen.append((site.pk, period_start, period_end))
        return cands if site.pk == site_a.site.pk else []

    hooks.sampling_candidates_provider(provider)
    try:
        time_machine.move_to(at(2026, 12, 1, 1, 0), tick=False)
        assert sampling_monthly_task() == 3
        assert sampling_monthly_task() == 3  # same draw returned, no new callbacks
    finally:
        hooks._providers.remove(provider)
    assert seen[0] == (site_a.site.pk, date(2026, 11, 1), date(2026, 11, 30))
    assert Callback.objects.filter(kind=Callback.Kind.SAMPLING).count() == 3
