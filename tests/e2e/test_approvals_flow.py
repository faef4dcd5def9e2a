"""Browser: the front desk asks for an extension → the service-center head approves it in his own login
(SPEC T-05, T-18)."""

from datetime import timedelta

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC T-18, T-05
def test_extension_requested_by_front_desk_approved_by_head(page, live_server, site_a):
    from django.utils import timezone

    from core.models import ApprovalRequest
    from tests.tickets.helpers import dispatch, ensure_categories, register
    from tickets.models import Extension, WorkOrder

    ensure_categories()  # flushed by earlier transactional tests
    now = timezone.now()
    order = dispatch(site_a, register(site_a, "repair", now=now))
    new_due = timezone.localtime(now + timedelta(days=10)).replace(second=0, microsecond=0)

    # the front desk asks: no approver to pick, only the request
    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/tickets/{order.pk}/")
    page.click("[data-testid=open-extend]")
    form = page.locator("[data-testid=action-extend]")
    assert form.locator("select[name=head]").count() == 0
    form.locator("input[name=new_due_at]").fill(new_due.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=reason]").fill("配件需从厂家订购")
    page.click("[data-testid=do-extend]")
    page.wait_for_selector("[data-testid=approvals] [data-status=pending]")
    assert WorkOrder.objects.get(pk=order.pk).extension_count == 0
    req = ApprovalRequest.objects.get()

    # the head finds it waiting in his own login and approves it
    page.context.clear_cookies()
    login(page, live_server, "a_center_head")
    page.goto(f"{live_server.url}/core/approvals/")
    page.click(f"[data-testid=approval-{req.pk}]")
    page.check("[data-testid=approval-decide] input[value=approve]")
    page.click("[data-testid=approval-decide] [data-testid=do]")
    page.wait_for_selector("[data-testid=approval-status]")
    assert page.inner_text("[data-testid=approval-status]") == "已批准"
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.extension_count == 1 and order.due_at == new_due
    assert Extension.objects.get(order=order).head_signed_by == site_a.users["center_head"]
    page.goto(f"{live_server.url}/tickets/{order.pk}/")
    page.wait_for_selector("[data-testid=approvals] [data-status=approved]")
