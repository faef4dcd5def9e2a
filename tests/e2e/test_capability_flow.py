"""Browser: the front desk refers a request it cannot confirm → the service-center head accepts it in his
own login → the work order exists (SPEC T-17, T-18)."""

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC T-17, T-18
def test_refer_then_head_accepts_in_own_login(page, live_server, site_a):
    from tests.tickets.helpers import ensure_categories
    from tickets.models import CapabilityReferral, Category, WorkOrder

    ensure_categories()  # flushed by earlier transactional tests
    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#id_unit_code", "3-2-1501")
    page.fill("#id_content", "业主要求更换整套中央空调主机")
    page.click("[data-testid=refer-section] summary")
    page.fill("#id_question", "工程部能否承接整机更换？")
    page.click("[data-testid=refer-submit]")
    page.wait_for_selector("[data-testid=referral-status][data-status=pending]")
    referral = CapabilityReferral.objects.get()
    assert referral.referred_by.username == "a_front_desk" and not WorkOrder.objects.exists()
    assert page.locator("[data-testid=action-accept]").count() == 0  # the front desk cannot decide

    # the head, in his own login: the dashboard count, the list, the decision
    page.context.clear_cookies()
    login(page, live_server, "a_center_head")
    page.goto(f"{live_server.url}/tickets/referrals/")
    page.click("[data-testid=referral-link]")
    page.select_option("[data-testid=action-accept] select[name=category]", str(Category.objects.get(code="repair").pk))
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=order-number]")
    order = WorkOrder.objects.get()
    referral.refresh_from_db()
    assert referral.status == CapabilityReferral.Status.ACCEPTED and referral.order == order
    assert referral.decided_by.username == "a_center_head"
    assert page.inner_text("[data-testid=order-number]") == order.number
    assert order.unit.code == "3-2-1501" and order.content == "业主要求更换整套中央空调主机"
