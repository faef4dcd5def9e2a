"""Issue 22 on a phone (390 px wide; the pages are made for 360): a resident logs in with phone + password,
reports a leak with a photo, the front desk confirms it, the resident sees it dispatched, and evaluates it."""

import pytest
from PIL import Image

from portal.models import OnlineEvaluation, OnlineReport
from portal.services import account_open, password_set
from tests.e2e.conftest import login
from tests.portal.conftest import PASSWORD
from tests.tickets.helpers import cat, complete, dispatch, ensure_categories
from tickets.models import WorkOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resident_reports_a_leak_follows_and_evaluates(phone_page, page, live_server, site_a, tmp_path):
    ensure_categories()
    s = site_a
    account, token = account_open(resident=s.residents[0], actor=s.users["front_desk"])
    password_set(token=token, password=PASSWORD)
    photo = tmp_path / "leak.png"
    Image.new("RGB", (80, 60), (40, 90, 200)).save(photo, "PNG")
    base = live_server.url
    p = phone_page
    p.set_viewport_size({"width": 360, "height": 780})

    # log in with phone + password (Chinese page, no English)
    p.goto(f"{base}/portal/p/login/")
    assert "登录" in p.content()
    p.fill("input[name=username]", account.phone)
    p.fill("input[name=password]", PASSWORD)
    p.click("button[type=submit]")
    p.wait_for_url(f"{base}/portal/")
    # no horizontal scrolling at 360 px, touch targets at least 44 px high
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    box = p.locator("[data-testid=report-new]").bounding_box()
    assert box["height"] >= 44

    # report a leak with a photo
    p.click("[data-testid=report-new]")
    p.check("input[name=kind][value=repair]")
    p.fill("textarea[name=content]", "卫生间天花板漏水，滴到地面")
    p.fill("input[name=preferred_time]", "今晚 19:00 以后")
    p.set_input_files("input[name=photos]", str(photo))
    p.click("button[type=submit]")
    p.wait_for_selector("[data-testid=report-status]")
    assert "待前台确认" in p.inner_text("[data-testid=report-status]")
    report = OnlineReport.objects.get()
    assert report.photos.count() == 1 and not WorkOrder.objects.exists()  # waiting, no clock yet

    # the front desk confirms and classifies it (desktop page)
    login(page, live_server, s.users["front_desk"].username)
    page.goto(f"{base}/portal/desk/{report.pk}/")
    page.select_option("select[name=category]", str(cat("pipe-leak").pk))
    page.click("[data-testid=confirm]")
    page.wait_for_selector("text=已确认")
    order = WorkOrder.objects.get()
    assert order.channel == "resident"
    dispatch(s, order, now=order.received_at)

    # the resident sees it dispatched, with a notice
    p.goto(f"{base}/portal/")
    p.click(f"[data-testid=order-{order.pk}]")
    assert "已派工" in p.inner_text("[data-testid=order-status]")
    p.goto(f"{base}/portal/notices/")
    assert order.number in p.inner_text("body") and "派工" in p.inner_text("body")

    # completed → the resident evaluates
    complete(s, WorkOrder.objects.get(pk=order.pk))
    p.goto(f"{base}/portal/orders/{order.pk}/")
    p.check("input[name=value][value=satisfied]")
    p.fill("textarea[name=comment]", "师傅很仔细")
    p.click("button[type=submit]")
    p.wait_for_selector("[data-testid=evaluation]")
    assert "满意" in p.inner_text("[data-testid=evaluation]")
    assert OnlineEvaluation.objects.get().order_id == order.pk
    assert p.evaluate("document.documentElement.scrollWidth") <= 360
    assert not any(w in p.inner_text("body") for w in ("Status", "Deadline", "Log out", "Submit"))
