"""SPEC D-01 in a browser: a supervisor clicks an overdue count and lands on the matching list."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from estates.models import Department
from tests.e2e.conftest import login
from tickets.models import Category, WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_supervisor_clicks_overdue_count(page, live_server, site_a, site_b):
    now = timezone.now()
    cat = Category.objects.create(code="e2e-water", name="E2E水电", department_kind=Department.Kind.ENGINEERING)
    for n, due in ((1, now - timedelta(days=2)), (2, now - timedelta(hours=1)), (3, now + timedelta(days=3))):
        WorkOrder.objects.create(site=site_a.site, number=f"E2E-A-{n}", category=cat, content="漏水",
                                 received_at=now - timedelta(days=5), status=WorkOrder.Status.DISPATCHED, due_at=due)
    WorkOrder.objects.create(site=site_b.site, number="E2E-B-1", category=cat, content="漏水",
                             received_at=now - timedelta(days=5), status=WorkOrder.Status.DISPATCHED,
                             due_at=now - timedelta(days=1))
    login(page, live_server, "a_cs_supervisor")
    page.goto(f"{live_server.url}/reports/")
    card = page.get_by_test_id("fig-tickets-overdue")
    assert card.locator("[data-value]").inner_text().strip() == "2"
    assert page.locator("#dashboard-body[hx-trigger='every 60s']").count() == 1
    # charts drawn by the vendored Chart.js (work orders by category, complaint trend)
    drawn = page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].filter(c => Chart.getChart(c)).length")
    assert drawn >= 2
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["E2E_SCREENSHOTS"], "dashboard.png"), full_page=True)
    card.click()
    page.wait_for_url(lambda url: "/tickets/" in url and "overdue=1" in url)
    body = page.content()
    assert "E2E-A-1" in body and "E2E-A-2" in body
    assert "E2E-A-3" not in body  # not overdue
    assert "E2E-B-1" not in body  # another site
