"""Browser: register a blocked-drain order → print → department completes → front desk accepts → callback due."""

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC T-01, T-02, T-07, T-08, CB-01
def test_blocked_drain_end_to_end(page, live_server, site_a):
    from callbacks.models import Callback
    from core.deadlines import deadline_running
    from tests.tickets.helpers import ensure_categories
    from tickets.models import Category, WorkOrder

    ensure_categories()  # flushed by earlier transactional tests
    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#id_unit_code", "3-2-15")
    page.click("[data-testid=lookup] >> text=3-2-1502")
    page.select_option("#id_category", str(Category.objects.get(code="drain").pk))
    page.fill("#id_content", "卫生间下水道堵塞，水漫出")
    page.fill("#id_phone", "13800001234")
    page.click("[data-testid=register-submit]")
    page.wait_for_selector("[data-testid=order-number]")
    order = WorkOrder.objects.get()
    assert page.inner_text("[data-testid=order-number]") == order.number and order.unit.code == "3-2-1502"

    # print: the three-part PDF
    resp = page.request.get(f"{live_server.url}/tickets/{order.pk}/pdf/")
    assert resp.ok and resp.headers["content-type"] == "application/pdf" and resp.body()[:4] == b"%PDF"

    # dispatch to the engineering worker
    page.select_option("[data-testid=action-dispatch] select[name=assignee]", str(site_a.staff["dept_staff"].pk))
    page.click("[data-testid=do-dispatch]")
    page.wait_for_selector("[data-testid=order-status][data-status=dispatched]")

    # SPEC T-10: a less frequent step loads its form when opened — the front desk records progress
    assert page.locator("[data-testid=action-followup] textarea").count() == 0
    page.click("[data-testid=open-followup]")
    page.fill("[data-testid=action-followup] textarea[name=note]", "已联系住户，下午上门")
    page.click("[data-testid=do-followup]")
    page.wait_for_selector("text=已联系住户，下午上门")

    # the department completes on a phone-sized screen, the resident signs on paper
    page.context.clear_cookies()
    login(page, live_server, "a_dept_staff")
    page.goto(f"{live_server.url}/tickets/mine/")
    page.click(f"[data-number='{order.number}']")
    page.fill("[data-testid=action-complete] textarea[name=work_done]", "疏通下水道")
    page.fill("[data-testid=action-complete] input[name=labour_hours]", "1")
    page.click("[data-testid=do-complete]")
    page.wait_for_selector("[data-testid=order-status][data-status=completed]")
    page.check("[data-testid=action-evaluate] input[value=satisfied]")
    page.fill("[data-testid=action-evaluate] input[name=signer_name]", "王建国")
    page.check("[data-testid=action-evaluate] input[name=signed_on_paper]")
    page.click("[data-testid=do-evaluate]")
    page.wait_for_selector("[data-testid=action-evaluate]")

    # the front desk accepts the returned receipt → callback due within 1 working day
    page.context.clear_cookies()
    login(page, live_server, "a_front_desk")
    page.goto(f"{live_server.url}/tickets/{order.pk}/")
    page.click("[data-testid=do-accept]")
    page.wait_for_selector("[data-testid=order-status][data-status=callback]")
    cb = Callback.objects.get(subject_id=order.pk, kind="ticket")
    assert deadline_running(cb, "ticket.callback") is not None
