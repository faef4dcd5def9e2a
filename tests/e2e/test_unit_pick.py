"""Issue 20.3 (SPEC T-01) in a browser, on a desk screen and a 390×844 phone: picking a unit in the
registration form fills in its resident and phone, and another household member can be chosen instead;
the complaint form has the same lookup."""

import pytest

from estates.models import Resident
from tests.e2e.conftest import login
from tests.factories import ResidentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _pick_and_check(page, live_server, site_a, path, name_field):
    owner = site_a.residents[1]  # lives in 3-2-1502
    member = ResidentFactory(unit=site_a.units[1], site=site_a.site, name="王小明", phone="13912345678",
                             kind=Resident.Kind.MEMBER)
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_unit_code", "3-2-15")
    pick = page.get_by_test_id("pick-unit-3-2-1502")
    pick.wait_for()  # the lookup lists the unit once, with who lives there
    assert owner.name in pick.inner_text()
    pick.click()
    # the owner comes first and is filled in at once
    page.get_by_test_id(f"member-{owner.pk}").wait_for()
    assert page.input_value(f"[name={name_field}]") == owner.name
    assert page.input_value("[name=phone]") == owner.phone
    assert page.input_value("#id_unit_code") == "3-2-1502"
    # another person of the household calls: one tap
    page.get_by_test_id(f"member-{member.pk}").click()
    assert page.input_value(f"[name={name_field}]") == "王小明"
    assert page.input_value("[name=phone]") == "13912345678"
    return member


# SPEC T-01: desk screen — the order is registered for the unit and the chosen household member
def test_unit_pick_fills_resident_desktop(page, live_server, site_a):
    from tests.tickets.helpers import cat, ensure_categories
    from tickets.models import WorkOrder

    ensure_categories()
    login(page, live_server, "a_front_desk")
    member = _pick_and_check(page, live_server, site_a, "/tickets/new/", "reporter_name")
    assert page.input_value("#id_resident") == str(member.pk)
    page.select_option("#id_category", str(cat("drain").pk))
    page.fill("#id_content", "厨房下水道堵塞")
    page.get_by_test_id("register-submit").click()
    page.wait_for_url(lambda url: "/tickets/new/" not in url)
    order = WorkOrder.objects.get()
    assert order.unit == site_a.units[1] and order.resident == member and order.phone == "13912345678"


# SPEC T-01: on a phone the same; the complaint form shares the lookup
def test_unit_pick_fills_resident_phone(phone_page, live_server, site_a):
    page = phone_page
    login(page, live_server, "a_front_desk")
    _pick_and_check(page, live_server, site_a, "/tickets/new/", "reporter_name")
    box = page.get_by_test_id("household").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # fits the phone's width
    page.context.clear_cookies()
    login(page, live_server, "a_front_desk")
    _pick_and_check(page, live_server, site_a, "/complaints/new/", "complainant_name")
