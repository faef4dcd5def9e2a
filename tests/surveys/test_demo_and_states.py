"""Demo data (one valid, one invalid, one open per demo site) and the campaign state matrix."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_fsm import can_proceed

from core.roles import Role
from surveys import demo, services
from surveys.models import Campaign
from tests.factories import BuildingFactory, ResidentFactory, SiteFactory, UnitFactory, make_staff
from tests.surveys.conftest import make_campaign

pytestmark = pytest.mark.django_db


# SPEC S-04 demo: at SSTY a valid past campaign, an invalid one and one collecting now; idempotent
def test_demo_seed_makes_valid_invalid_and_open(site_a):
    site = SiteFactory(code="SSTY", name="山水庭苑")
    building = BuildingFactory(site=site, number="8")
    for i in range(45):
        unit = UnitFactory(building=building, site=site, entrance="1", room=f"{i + 1}01", code=f"8-1-{i + 1}01")
        ResidentFactory(unit=unit, site=site)
    for role in (Role.CS_SUPERVISOR, Role.SITE_DIRECTOR, Role.FRONT_DESK, Role.DEPT_SUPERVISOR):
        make_staff(site, role, username=f"ssty_{role.value}")
    now = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    demo.seed(now=now, stdout=None)
    demo.seed(now=now, stdout=None)
    campaigns = Campaign.objects.filter(site=site).order_by("opened_at")
    assert [(c.status, c.is_valid) for c in campaigns] == [("closed", True), ("closed", False), ("open", None)]
    assert campaigns[2].responses.filter(channel="link").exists()
    assert campaigns[0].actions.count() == 2


# STYLE §3: the allowed / forbidden transitions of a campaign
@pytest.mark.parametrize(("status", "allowed"), [
    ("draft", {"approve", "cancel"}), ("approved", {"open", "cancel"}), ("open", {"close", "cancel"}),
    ("closed", set()), ("cancelled", set())])
def test_campaign_transition_matrix(site_a, status, allowed):
    c = make_campaign(site_a, sample_size=1)
    Campaign.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    names = {"approve": c.approve, "open": c.open, "close": c.close, "cancel": c.cancel}
    assert {n for n, t in names.items() if can_proceed(t)} == allowed


def test_closed_campaign_cannot_be_reopened_or_cancelled(opened, site_a):
    campaign, _ = opened
    services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"],
                            now=campaign.opened_at + timedelta(days=1))
    for call in (lambda: services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"]),
                 lambda: services.campaign_cancel(campaign=campaign, reason="x", actor=site_a.users["cs_supervisor"]),
                 lambda: services.campaign_open(campaign=campaign, actor=site_a.users["cs_supervisor"])):
        with pytest.raises(services.DomainError):
            call()
