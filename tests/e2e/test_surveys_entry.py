"""SPEC S-03 in a browser: staff enter a paper form with the keyboard only (unit, Enter, keys 1–5, Ctrl+Enter)."""

import pytest

from surveys import services
from surveys.models import Campaign, Rating, Response
from tests.e2e.conftest import login
from tests.surveys.conftest import add_units

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC S-03
def test_front_desk_enters_a_paper_form_by_keyboard(page, live_server, site_a):
    add_units(site_a, 2)
    q = services.questionnaire_create(name="问卷", site=site_a.site, items=[("cleaning", "保洁"), ("fees", "收费"),
                                                                          ("greening", "绿化")])
    campaign = services.campaign_create(site=site_a.site, title="上半年", kind=Campaign.Kind.ROUTINE, questionnaire=q,
                                        sample_size=3, actor=site_a.users["cs_supervisor"])
    services.campaign_approve(campaign=campaign, actor=site_a.users["site_director"])
    services.campaign_open(campaign=campaign, actor=site_a.users["cs_supervisor"])
    unit = campaign.households.select_related("unit").first().unit.code
    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/surveys/{campaign.pk}/entry/")
    page.locator("[data-testid=unit]").fill(unit)
    page.keyboard.press("Enter")
    for key in ("1", "4", "2"):
        page.keyboard.press(key)
    page.keyboard.type("楼道灯坏了")  # the cursor is in the comments now
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".alert-success")
    response = Response.objects.get()
    assert response.household.unit.code == unit and response.comments == "楼道灯坏了"
    grades = dict(Rating.objects.values_list("item__code", "grade"))
    assert grades == {"cleaning": 1, "fees": 4, "greening": 2}
    campaign.refresh_from_db()
    assert campaign.returned_count == 1
