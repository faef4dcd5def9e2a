"""Survey fixtures: more units with residents at site A, and campaigns walked to a given state."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from surveys import services
from surveys.models import Campaign
from tests.factories import ResidentFactory, UnitFactory

T0 = datetime(2026, 5, 11, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


_seq = itertools.count(100)


def add_units(ns, n: int, *, with_resident: bool = True) -> list:
    units = []
    for _n in range(n):
        i = next(_seq)
        unit = UnitFactory(building=ns.building, site=ns.site, entrance="1", room=f"{i:d}01", code=f"3-1-{i:d}01",
                           floor=1)  # the room numbers run past the tallest building (issue 13.3 floor bounds)
        if with_resident:
            ResidentFactory(unit=unit, site=ns.site)
        units.append(unit)
    return units


def make_campaign(ns, *, sample_size: int | None = None, sample_share=None, seed: int = 42, zone=None,
                  questionnaire=None, title: str = "2026上半年满意度调查", now=T0) -> Campaign:
    q = questionnaire or services.questionnaire_create(name="业主满意度调查问卷", site=ns.site)
    return services.campaign_create(site=ns.site, title=title, kind=Campaign.Kind.ROUTINE, questionnaire=q,
                                    sample_size=sample_size, sample_share=sample_share, seed=seed, zone=zone,
                                    actor=ns.users["cs_supervisor"], now=now)


def open_campaign(ns, campaign: Campaign, *, now=T0) -> dict[int, str]:
    services.campaign_approve(campaign=campaign, actor=ns.users["site_director"], now=now)
    return services.campaign_open(campaign=campaign, actor=ns.users["cs_supervisor"], now=now)


def enter(ns, campaign: Campaign, unit_code: str, grades: dict[str, int | None], *, now=T0, **profile):
    """Enter a paper form: grades by item code."""
    items = {i.code: i.pk for i in campaign.questionnaire.items.all()}
    return services.response_enter_paper(campaign=campaign, unit_code=unit_code,
                                         ratings={items[c]: g for c, g in grades.items()}, profile=profile,
                                         actor=ns.users["front_desk"], now=now)


@pytest.fixture
def opened(site_a):
    """Site A with 20 more households; a campaign of 10 sampled households, open since T0."""
    add_units(site_a, 17)
    campaign = make_campaign(site_a, sample_size=10)
    tokens = open_campaign(site_a, campaign)
    campaign.refresh_from_db()
    return campaign, tokens
