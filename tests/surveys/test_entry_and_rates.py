"""SPEC S-03 staff entry, S-05 rate formula, S-06 analysis."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from surveys import services
from surveys.models import Rating
from surveys.selectors import campaign_analysis, item_rates, trend
from tests.surveys.conftest import T0, add_units, enter, make_campaign, open_campaign

pytestmark = pytest.mark.django_db


def _units(campaign):
    return [h.unit.code for h in campaign.households.select_related("unit").order_by("position")]


# SPEC S-03: staff entry for a household not in the sample is refused; a household counts once
def test_staff_entry_refuses_units_outside_the_sample(opened, site_a, site_b):
    campaign, _ = opened
    sampled = set(_units(campaign))
    outside = next(u.code for u in site_a.site.units.all() if u.code not in sampled)
    with pytest.raises(DomainError) as err:
        enter(site_a, campaign, outside, {"cleaning": 1})
    assert err.value.code == "not_sampled"
    code = next(iter(sampled))
    enter(site_a, campaign, code, {"cleaning": 1})
    with pytest.raises(DomainError) as err:
        enter(site_a, campaign, code, {"cleaning": 2})
    assert err.value.code == "already_returned"
    with pytest.raises(DomainError):  # SPEC X-02: staff of another site cannot enter
        services.response_enter_paper(campaign=campaign, unit_code=code, ratings={}, profile={},
                                      actor=site_b.users["front_desk"])
    campaign.refresh_from_db()
    assert campaign.returned_count == 1


# SPEC S-01: a grade outside the 5-level scale is refused
@pytest.mark.parametrize("grade", [0, 6, -1, "x"])
def test_grade_off_the_scale_is_refused(opened, site_a, grade):
    campaign, _ = opened
    with pytest.raises(DomainError) as err:
        enter(site_a, campaign, _units(campaign)[0], {"cleaning": grade})
    assert err.value.code == "grade"
    assert not Rating.objects.exists()


# SPEC S-05 and S-06 against a hand-counted fixture
def test_rate_formula_and_analysis_hand_counted(site_a):
    add_units(site_a, 1)
    campaign = make_campaign(site_a, sample_size=4)
    open_campaign(site_a, campaign)
    units = _units(campaign)
    # grades: 1 very satisfied, 2 satisfied, 3 neutral, 4 dissatisfied, 5 very dissatisfied
    forms = [
        {"customer_service": 1, "cleaning": 4, "greening": 3, "fees": 1},
        {"customer_service": 2, "cleaning": 4, "greening": 3, "fees": None},
        {"customer_service": 3, "cleaning": 2, "greening": 3, "fees": 1},
        {"customer_service": 5, "cleaning": 2, "greening": 5, "fees": 1},
    ]
    for unit, grades in zip(units, forms, strict=True):
        enter(site_a, campaign, unit, grades, comments="保洁不及时" if grades["cleaning"] == 4 else "",
              expectations="增加绿化" if grades["greening"] == 5 else "")
    rows = {r["code"]: r for r in item_rates(campaign)}
    # customer service: 1,2 satisfied of 4 ratings → 50 %; dissatisfied 1 of 4 → 25 %
    assert (rows["customer_service"]["n"], rows["customer_service"]["rate"]) == (4, Decimal("0.5000"))
    assert rows["customer_service"]["dis_rate"] == Decimal("0.2500")
    # cleaning: 2 of 4 satisfied → 50 %; 2 of 4 dissatisfied → 50 %
    assert rows["cleaning"]["rate"] == Decimal("0.5000") and rows["cleaning"]["dis_rate"] == Decimal("0.5000")
    # greening: none satisfied → 0 %; 1 of 4 dissatisfied → 25 %
    assert rows["greening"]["rate"] == Decimal("0.0000") and rows["greening"]["dis_rate"] == Decimal("0.2500")
    # fees: 3 ratings (one left blank), all satisfied → 100 % (denominator = ratings of that item)
    assert (rows["fees"]["n"], rows["fees"]["rate"]) == (3, Decimal("1.0000"))
    assert rows["engineering"]["n"] == 0 and rows["engineering"]["rate"] is None
    assert rows["customer_service"]["grades"] == [1, 1, 1, 0, 1]
    a = campaign_analysis(campaign)
    assert a["lowest"]["code"] == "greening"
    assert a["most_dissatisfied"]["code"] == "cleaning"
    assert [u for u, _t in a["comments"]] == [units[0], units[1]]
    assert [t for _u, t in a["expectations"]] == ["增加绿化"]
    # overall: satisfied 2+2+0+3 = 7 of 4+4+4+3 = 15 ratings
    assert a["overall"] == (Decimal(7) / Decimal(15)).quantize(Decimal("0.0001"))


# SPEC S-06: items that fell since the previous VALID campaign (an invalid one in between is skipped)
def test_fell_since_previous_valid_campaign(site_a):
    add_units(site_a, 1)
    director = site_a.users["cs_supervisor"]

    def run(grades_by_unit: list[dict], *, start, returned: int | None = None):
        c = make_campaign(site_a, sample_size=4, title=f"第{start.day}日", now=start)
        open_campaign(site_a, c, now=start)
        for unit, grades in list(zip(_units(c), grades_by_unit, strict=False))[:returned]:
            enter(site_a, c, unit, grades, now=start)
        services.campaign_close(campaign=c, actor=director, now=start + timedelta(days=1))
        c.refresh_from_db()
        return c

    first = run([{"cleaning": 1, "fees": 4}] * 4, start=T0)
    invalid = run([{"cleaning": 5, "fees": 1}] * 4, start=T0 + timedelta(days=10), returned=3)  # 75 %
    latest = run([{"cleaning": 1}, {"cleaning": 4}, {"cleaning": 1, "fees": 1}, {"cleaning": 1, "fees": 1}],
                 start=T0 + timedelta(days=20))
    assert first.is_valid and not invalid.is_valid and latest.is_valid
    a = campaign_analysis(latest)
    assert a["previous"] == first
    assert [r["code"] for r in a["fell"]] == ["cleaning"]  # 100 % → 75 %; fees rose 0 → 100 %
    assert a["fell"][0]["previous_rate"] == Decimal("1.0000")
    assert [t["campaign"] for t in trend(site_ids=[site_a.site.pk])] == [first, latest]  # SPEC S-04


# SPEC S-06: corrective actions with owner and due date, tracked to done
def test_corrective_action_tracked_to_done(site_a):
    from datetime import date

    c = make_campaign(site_a, sample_size=3)
    open_campaign(site_a, c)
    with pytest.raises(DomainError):  # only after the analysis of a closed campaign
        services.corrective_action_create(campaign=c, description="x", owner=site_a.staff["dept_supervisor"],
                                          due_date=date(2026, 6, 30), actor=site_a.users["cs_supervisor"])
    services.campaign_close(campaign=c, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=1))
    item = c.questionnaire.items.get(code="cleaning")
    act = services.corrective_action_create(campaign=c, description="增加保洁频次", item=item,
                                            owner=site_a.staff["dept_supervisor"], due_date=date(2026, 6, 30),
                                            actor=site_a.users["cs_supervisor"])
    with pytest.raises(DomainError):
        services.corrective_action_finish(action=act, note="", actor=site_a.users["dept_supervisor"])
    services.corrective_action_finish(action=act, note="已每日两次", actor=site_a.users["dept_supervisor"])
    act.refresh_from_db()
    assert act.status == "done" and act.done_at is not None
    assert c.events.filter(kind="action_done").exists()


# SPEC S-06, issue 14.1: "done" is a declared step — shown to the owner and the organisers only, refused on the
# page to anyone else, an empty note next to its field, done through the page
def test_s06_corrective_action_done_through_the_page(client, site_a):
    from datetime import date

    from django.urls import reverse

    c = make_campaign(site_a, sample_size=3)
    open_campaign(site_a, c)
    services.campaign_close(campaign=c, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=1))
    act = services.corrective_action_create(campaign=c, description="增加保洁频次",
                                            owner=site_a.staff["dept_supervisor"], due_date=date(2026, 6, 30),
                                            actor=site_a.users["cs_supervisor"])
    page, url = reverse("surveys:campaign_analysis", args=[c.pk]), reverse("surveys:action_done", args=[act.pk])
    client.force_login(site_a.users["front_desk"])  # neither owner nor organiser
    r = client.get(page)
    assert r.status_code == 200 and 'data-testid="action-done"' not in r.content.decode()
    assert client.post(url, {"note": "已每日两次"}).status_code == 422
    client.force_login(site_a.users["dept_supervisor"])  # the owner
    assert 'data-testid="action-done"' in client.get(page).content.decode()
    r = client.post(url, {"note": ""})
    assert r.status_code == 422 and "note" in r.context["a"]["actions"][0].forms["done"].errors
    assert client.post(url, {"note": "已每日两次"})["Location"] == page
    act.refresh_from_db()
    assert act.status == "done" and act.done_note == "已每日两次"
