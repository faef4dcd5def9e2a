"""Issue 3 "done when": log in as front desk, Chinese UI, switch to English, open a unit's file;
a site-A user cannot open a site-B unit (SPEC X-02, X-05, O-02)."""

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_front_desk_chinese_ui_english_switch_and_unit_file(page, live_server, site_a, site_b):
    # SPEC X-05: Simplified Chinese by default, English selectable
    login(page, live_server, site_a.users["front_desk"].username)
    nav = page.locator("nav.navbar")
    assert "住户档案" in nav.inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.click("[data-testid=user-menu]")  # language and log-out sit in the user's menu (issue 20.9)
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert "Resident files" in page.locator("nav.navbar").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"

    # SPEC O-02: the unit page is the resident file; search by the 3-2-1502 prefix
    page.click("nav .dropdown-toggle >> text=Resident files")  # the registry menu
    page.click("nav .dropdown-menu.show >> text=Resident files")
    page.fill("[data-testid=search]", "3-2-150")
    page.press("[data-testid=search]", "Enter")
    page.click("text=3-2-1502")
    assert "Resident file 3-2-1502" in page.locator("[data-testid=unit-file]").inner_text()
    residents = page.locator("[data-testid=residents]").inner_text()
    unit = site_a.units[1]
    assert unit.residents.first().name in residents
    assert "440***********1234" in residents and "440301198001011234" not in page.content()

    # SPEC X-02: another site's unit is a 404, not a page
    resp = page.goto(f"{live_server.url}/estates/units/{site_b.units[1].pk}/")
    assert resp.status == 404
    resp = page.goto(f"{live_server.url}/estates/units/{site_a.units[1].pk}/")
    assert resp.status == 200
