"""Issue 20.5 in a 390×844 phone browser: the callback queue's call button stays visible and clickable on a
long row, the filters fit the screen, and "全部" (everyone) shows zone staff the whole queue."""

import pytest
from django.utils import timezone

from callbacks.services import callback_request
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG = "业主反映卫生间顶棚漏水已经持续三天，楼上住户不在家，物业多次联系未果，要求尽快上门查看并给出处理意见" * 3


# SPEC CB-01 / CB-07: the zone staff's queue on a phone
def test_long_row_keeps_the_call_button(phone_page, live_server, site_a):
    now = timezone.now()
    mine = callback_request(subject=site_a.units[0], site_id=site_a.site.pk, kind="ticket", policy_code="",
                            due_at=now, unit=site_a.units[0], resident_name="欧阳" + "很长的名字" * 6,
                            phone="13800001234", summary=LONG, now=now,
                            assigned_to=site_a.users["zone_staff"])
    other = callback_request(subject=site_a.units[1], site_id=site_a.site.pk, kind="ticket", policy_code="",
                             due_at=now, unit=site_a.units[1], summary="维修回访", now=now,
                             assigned_to=site_a.users["front_desk"])
    page = phone_page
    login(page, live_server, "a_zone_staff")
    page.goto(f"{live_server.url}/callbacks/?state=due_today")
    # zone staff start on their own queue
    assert page.get_by_test_id(f"callback-{mine.pk}").is_visible()
    assert page.get_by_test_id(f"callback-{other.pk}").count() == 0

    dial = page.get_by_test_id(f"dial-{mine.pk}")
    box = dial.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert box["width"] >= 40 and box["height"] >= 40  # a thumb-sized target
    dial.click(trial=True)  # visible, stable, enabled and not covered
    hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('a')?.dataset.testid",
                        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit == f"dial-{mine.pk}"
    assert dial.get_attribute("href") == "tel:13800001234"

    # the page and its filters fit the phone: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    filters = page.get_by_test_id("queue-filters").bounding_box()
    assert filters["x"] + filters["width"] <= 390
    submit = page.get_by_test_id("filter-submit").bounding_box()
    assert submit["width"] >= 60  # a button with its label, not a sliver

    # "全部" (everyone) works for zone staff
    page.get_by_test_id("filter-staff").select_option("all")
    page.get_by_test_id("filter-submit").click()
    page.wait_for_url(lambda url: "staff=all" in url)
    assert page.get_by_test_id(f"callback-{other.pk}").is_visible()
    assert page.get_by_test_id(f"callback-{mine.pk}").is_visible()
    assert page.get_by_test_id("filter-staff").input_value() == "all"
    # the tabs keep the choice
    page.get_by_test_id("tab-open").click()
    page.wait_for_url(lambda url: "state=open" in url and "staff=all" in url)
    assert page.get_by_test_id(f"callback-{other.pk}").is_visible()
