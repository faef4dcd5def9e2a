"""SPEC D-01/D-02 survey blocks: invalid campaigns (S-04) give no satisfaction figure."""

from datetime import timedelta
from decimal import Decimal

import pytest

from reports.registry import get_section
from surveys import services
from tests.surveys.conftest import T0, enter

pytestmark = pytest.mark.django_db


# SPEC S-04, S-05
def test_monthly_block_counts_valid_and_invalid(opened, site_a):
    campaign, _ = opened
    for h in campaign.households.select_related("unit")[:9]:
        enter(site_a, campaign, h.unit.code, {"cleaning": 1, "fees": 3})
    services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=2))
    section = get_section("surveys")
    block = section.monthly(site_ids=[site_a.site.pk], start=T0 - timedelta(days=1), end=T0 + timedelta(days=30))
    assert block.value("closed") == 1 and block.value("valid") == 1 and block.value("invalid") == 0
    assert block.value("satisfaction") == Decimal("0.5000")  # 9 of 18 ratings satisfied
    dash = section.dashboard(site_ids=[site_a.site.pk], now=T0 + timedelta(days=3))
    assert dash.value("satisfaction") == Decimal("0.5000") and dash.value("open_campaigns") == 0
