"""SPEC CB-01 / CB-02 / CB-07 in a phone-sized browser: zone staff works through the day's callback queue."""

import pytest
from django.utils import timezone

from callbacks.models import Callback
from callbacks.services import callback_request
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_zone_staff_works_through_queue(phone_page, live_server, site_a):
    now = timezone.now()
    # due now: in "due today" whatever the hour the suite runs at (the queue includes overdue ones)
    cbs = [callback_request(subject=u, site_id=site_a.site.pk, kind="ticket", policy_code="",
                            due_at=now, unit=u, summary=f"维修 {u.code}", now=now)
           for u in site_a.units[:2]]
    page = phone_page
    login(page, live_server, "a_zone_staff")
    page.goto(f"{live_server.url}/callbacks/?state=due_today")
    for cb in cbs:
        assert page.get_by_test_id(f"callback-{cb.pk}").is_visible()
    dial = page.get_by_test_id(f"dial-{cbs[0].pk}")
    assert dial.get_attribute("href") == f"tel:{cbs[0].phone}"
    assert page.get_by_test_id("count-due_today").inner_text().strip() == "2"

    # first: the resident is satisfied
    page.get_by_test_id(f"callback-{cbs[0].pk}").get_by_role("link").first.click()
    page.locator("input[name=result][value=satisfied]").check()
    page.get_by_test_id("save-attempt").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/callbacks"))
    assert page.get_by_test_id(f"callback-{cbs[0].pk}").count() == 0

    # second: nobody answers
    page.get_by_test_id(f"callback-{cbs[1].pk}").get_by_role("link").first.click()
    page.locator("input[name=result][value=unreachable]").check()
    page.fill("textarea[name=comment]", "无人接听")
    page.get_by_test_id("save-attempt").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/callbacks"))
    assert page.get_by_test_id(f"callback-{cbs[1].pk}").is_visible()  # still due, 1 attempt

    page.get_by_test_id("tab-done").click()
    assert page.get_by_test_id(f"callback-{cbs[0].pk}").is_visible()
    assert Callback.objects.get(pk=cbs[0].pk).status == Callback.Status.DONE
    assert Callback.objects.get(pk=cbs[1].pk).attempts == 1
