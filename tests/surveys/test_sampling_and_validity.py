"""SPEC S-02 (approval), S-03 (reproducible sampling, collection close), S-04 (85% validity)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django_fsm import TransitionNotAllowed  # noqa: F401

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from surveys import services
from surveys.models import Campaign, Household
from tests.surveys.conftest import T0, add_units, enter, make_campaign, open_campaign

pytestmark = pytest.mark.django_db


# SPEC S-03: the seed is stored, the same campaign redraws the same households
def test_same_seed_draws_the_same_households(site_a):
    add_units(site_a, 30)
    c1 = make_campaign(site_a, sample_size=8, seed=20260511)
    first = services.sample_draw(c1)
    assert services.sample_draw(c1) == first
    assert len(set(first)) == 8
    c1.refresh_from_db()
    assert c1.seed == 20260511
    open_campaign(site_a, c1)
    drawn = list(Household.objects.filter(campaign=c1).order_by("position").values_list("unit_id", flat=True))
    assert drawn == first  # what was opened is what the stored seed redraws
    c2 = make_campaign(site_a, sample_size=8, seed=20260511, title="另一次")
    assert services.sample_draw(c2) == first
    c3 = make_campaign(site_a, sample_size=8, seed=7, title="换种子")
    assert services.sample_draw(c3) != first


# SPEC S-03: households = units with an active resident; zone scope; share rounds up
def test_sampling_frame_only_units_with_a_resident_and_zone(site_a, site_b):
    empty = add_units(site_a, 5, with_resident=False)
    add_units(site_a, 7)
    c = make_campaign(site_a, sample_share=Decimal("100"))
    frame = services.sample_frame(c)
    assert len(frame) == 3 + 7  # fixture's 3 + the 7 with residents
    assert not set(frame) & {u.pk for u in empty}
    assert not set(frame) & {u.pk for u in site_b.units}
    half = make_campaign(site_a, sample_share=Decimal("25"), title="25%")
    assert len(services.sample_draw(half)) == 3  # ceil(10 × 25 %)
    other_zone = __import__("tests.factories", fromlist=["ZoneFactory"]).ZoneFactory(site=site_a.site, name="二片区")
    zoned = make_campaign(site_a, sample_share=Decimal("100"), zone=other_zone, title="二片区")
    assert services.sample_frame(zoned) == []


# SPEC S-02: only the site director approves; only an approved campaign opens
def test_site_director_approves_before_opening(site_a):
    c = make_campaign(site_a, sample_size=2)
    with pytest.raises(DomainError):
        services.campaign_open(campaign=c, actor=site_a.users["cs_supervisor"], now=T0)
    with pytest.raises(DomainError):
        services.campaign_approve(campaign=c, actor=site_a.users["cs_supervisor"], now=T0)
    services.campaign_approve(campaign=c, actor=site_a.users["site_director"], now=T0)
    tokens = services.campaign_open(campaign=c, actor=site_a.users["cs_supervisor"], now=T0)
    c.refresh_from_db()
    assert c.status == Campaign.Status.OPEN and c.sampled_count == 2 and len(tokens) == 2
    assert c.approved_by == site_a.users["site_director"]
    assert list(c.events.values_list("kind", flat=True)) == ["created", "approved", "opened"]


# SPEC S-03 / §15 survey.collection: closes after 7 days through the deadline sweep (frozen clock)
def test_collection_closes_by_the_sweep_after_seven_days(opened, site_a):
    campaign, _tokens = opened
    assert campaign.closes_at == T0 + timedelta(days=7)
    assert deadline_running(campaign, "survey.collection") is not None
    for h in campaign.households.select_related("unit")[:9]:
        enter(site_a, campaign, h.unit.code, {"cleaning": 1})
    deadline_breach_due(now=T0 + timedelta(days=6, hours=23))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    deadline_breach_due(now=T0 + timedelta(days=7, minutes=1))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert (campaign.returned_count, campaign.sampled_count) == (9, 10)
    assert campaign.response_rate == Decimal("0.9000") and campaign.is_valid is True
    deadline_breach_due(now=T0 + timedelta(days=8))  # a second sweep changes nothing
    assert campaign.events.filter(kind="closed_by_deadline").count() == 1


# SPEC S-04: exactly 85 % is invalid; 85.1 % is valid
@pytest.mark.parametrize(("returned", "sampled", "valid"), [
    (17, 20, False), (850, 1000, False), (851, 1000, True), (18, 20, True), (0, 0, False), (20, 20, True)])
def test_validity_boundary(returned, sampled, valid):
    assert services._validity(returned, sampled)[1] is valid


# SPEC S-04: through the real close — 17 of 20 returned (85 %) → invalid, marked and left out of trends
def test_exactly_85_percent_campaign_is_invalid_and_excluded_from_trend(site_a):
    from surveys.selectors import trend

    add_units(site_a, 17)
    campaign = make_campaign(site_a, sample_size=20)
    open_campaign(site_a, campaign)
    for h in campaign.households.select_related("unit")[:17]:
        enter(site_a, campaign, h.unit.code, {"cleaning": 2})
    services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=3))
    campaign.refresh_from_db()
    assert campaign.response_rate == Decimal("0.8500") and campaign.is_valid is False
    assert deadline_running(campaign, "survey.collection") is None
    assert trend(site_ids=[site_a.site.pk]) == []


def test_cancel_needs_a_reason_and_stops_the_clock(opened, site_a):
    campaign, _ = opened
    with pytest.raises(DomainError):
        services.campaign_cancel(campaign=campaign, reason=" ", actor=site_a.users["cs_supervisor"])
    services.campaign_cancel(campaign=campaign, reason="台风停电", actor=site_a.users["cs_supervisor"], now=T0)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    assert deadline_running(campaign, "survey.collection") is None
