"""SPEC S-03 in a browser: a resident opens the one-time link on a phone, answers, the response rate rises."""

import pytest

from surveys import services
from surveys.models import Campaign
from tests.surveys.conftest import add_units

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC S-03, S-04
def test_resident_answers_through_one_time_link_on_a_phone(phone_page, live_server, site_a):
    add_units(site_a, 2)
    q = services.questionnaire_create(name="业主满意度调查问卷", site=site_a.site)
    campaign = services.campaign_create(site=site_a.site, title="2026下半年满意度调查", kind=Campaign.Kind.ROUTINE,
                                        questionnaire=q, sample_size=4, actor=site_a.users["cs_supervisor"])
    services.campaign_approve(campaign=campaign, actor=site_a.users["site_director"])
    tokens = services.campaign_open(campaign=campaign, actor=site_a.users["cs_supervisor"])
    token = next(iter(tokens.values()))
    page = phone_page
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    assert page.locator("nav").count() == 0  # nothing else of the system
    assert page.locator("a").count() == 0
    for item in q.items.all():
        page.locator(f"[data-testid=rating_{item.pk}-1]").check()
    page.fill("#id_comments", "物业服务很好")
    page.select_option("#id_resident_type", "owner")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=thanks]")
    campaign.refresh_from_db()
    assert campaign.returned_count == 1
    assert campaign.current_rate == services.Decimal("0.2500")
    page.goto(f"{live_server.url}/surveys/r/{token}/")
    page.wait_for_selector("[data-testid=link-used]")
