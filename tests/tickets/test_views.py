"""Screens: lists (constant queries), detail, site isolation, registration form, conflicts, PDF."""

import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.tickets.helpers import cat, dispatch, evaluate, register, to_completed
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def working_wednesday():
    """A fixed mid-month working-day morning (clock ticking), so "today" and "this month" hold
    whatever hour the suite runs at."""
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


def client_for(client, user):
    client.force_login(user)
    return client


def make_orders(s, n, now=None):
    now = now or timezone.now() - timedelta(hours=1)
    return [register(s, "repair" if i % 2 else "drain", now=now + timedelta(seconds=i), unit=i % 3) for i in range(n)]


# the front-desk list keeps a constant number of queries as the page fills
@pytest.mark.parametrize("url_name", ["tickets:order_list", "tickets:dispatch_board"])
def test_list_constant_queries(client, site_a, django_assert_max_num_queries, url_name):
    c = client_for(client, site_a.users["cs_supervisor"])
    make_orders(site_a, 2)
    with django_assert_max_num_queries(14) as small:
        assert c.get(reverse(url_name)).status_code == 200
    make_orders(site_a, 30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = c.get(reverse(url_name))
    assert r.status_code == 200


def test_list_filters_and_search(client, site_a, site_b):
    c = client_for(client, site_a.users["front_desk"])
    a = make_orders(site_a, 4)
    b = make_orders(site_b, 1)
    r = c.get(reverse("tickets:order_list"))
    numbers = {o.number for o in r.context["orders"]}
    assert numbers == {o.number for o in a}
    assert b[0].pk not in {o.pk for o in r.context["orders"]}
    r = c.get(reverse("tickets:order_list"), {"category": cat("drain").pk, "status": "registered",
                                              "zone": site_a.zone.pk})
    assert {o.pk for o in r.context["orders"]} == {o.pk for o in a if o.category.code == "drain"}
    r = c.get(reverse("tickets:order_list"), {"q": a[1].number})
    assert [o.pk for o in r.context["orders"]] == [a[1].pk]
    r = c.get(reverse("tickets:order_list"), {"q": "3-2-1502"})
    assert {o.unit.code for o in r.context["orders"]} == {"3-2-1502"}
    r = c.get(reverse("tickets:order_list"), {"q": site_a.residents[0].phone})
    assert r.context["orders"] and all(o.phone == site_a.residents[0].phone for o in r.context["orders"])


# SPEC X-02: another site's order is 404
def test_other_site_detail_404(client, site_a, site_b):
    order = register(site_a)
    c = client_for(client, site_b.users["front_desk"])
    for name in ("tickets:order_detail", "tickets:order_pdf"):
        assert c.get(reverse(name, args=[order.pk])).status_code == 404
    assert c.post(reverse("tickets:order_action", args=[order.pk, "cancel"]), {"reason": "x"}).status_code == 404


# SPEC T-01: the registration form (unit typed as 3-2-1502), duplicate hint and lookup
def test_register_form(client, site_a):
    c = client_for(client, site_a.users["front_desk"])
    r = c.post(reverse("tickets:order_create"), {"unit_code": "3-2-1502", "channel": "phone",
                                                 "category": cat("drain").pk, "content": "卫生间下水道堵塞",
                                                 "reporter_name": "李秀英", "phone": "13800000001"})
    assert r.status_code == 302
    order = WorkOrder.objects.get()
    assert order.unit.code == "3-2-1502" and order.receiver == site_a.users["front_desk"]
    r = c.get(reverse("tickets:duplicates"), {"unit": order.unit_id})
    assert order.number in r.content.decode()
    r = c.get(reverse("estates:unit_lookup"), {"unit_code": "3-2-15"})
    assert "3-2-1502" in r.content.decode()
    r = c.get(reverse("estates:unit_lookup"), {"unit_code": site_a.residents[0].name})
    assert site_a.residents[0].phone in r.content.decode()


# SPEC X-03: bad input keeps what was typed
def test_register_form_error_keeps_input(client, site_a):
    c = client_for(client, site_a.users["front_desk"])
    r = c.post(reverse("tickets:order_create"), {"unit_code": "9-9-9999", "channel": "phone",
                                                 "category": cat("drain").pk, "content": "保留这段文字"})
    assert r.status_code == 200 and "保留这段文字" in r.content.decode()
    assert not WorkOrder.objects.exists()


# optimistic concurrency: the second edit gets a conflict message and keeps its input
def test_conflict_shown_and_input_kept(client, site_a):
    order = register(site_a)
    c = client_for(client, site_a.users["front_desk"])
    stale = order.version
    dispatch(site_a, order)
    r = c.post(reverse("tickets:order_action", args=[order.pk, "cancel"]),
               {"reason": "业主取消了这个请求", "version": stale})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="action-error"' in body and "业主取消了这个请求" in body
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


def test_detail_and_actions_render(client, site_a):
    order = evaluate(site_a, to_completed(site_a))
    c = client_for(client, site_a.users["front_desk"])
    r = c.get(order.get_absolute_url())
    assert r.status_code == 200 and 'data-testid="action-accept"' in r.content.decode()
    r = c.post(reverse("tickets:order_action", args=[order.pk, "accept"]), {"version": order.version})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CALLBACK


# SPEC T-08: the front desk's refusal is recorded with its reasons
def test_accept_incomplete_records_refusal(client, site_a):
    order = to_completed(site_a)
    c = client_for(client, site_a.users["front_desk"])
    r = c.post(reverse("tickets:order_action", args=[order.pk, "accept"]), {"version": order.version})
    assert r.status_code == 200 and 'data-testid="action-error"' in r.content.decode()
    assert order.events.filter(kind="receipt_refused").exists()


def test_my_orders_on_phone(client, site_a):
    order = dispatch(site_a, register(site_a))
    c = client_for(client, site_a.users["dept_staff"])
    r = c.get(reverse("tickets:my_orders"))
    assert order.number in r.content.decode()


# SPEC T-02: three A4 pages with the number and the three part titles, QR included
def test_pdf_three_parts(client, site_a):
    from pypdf import PdfReader

    order = dispatch(site_a, register(site_a))
    c = client_for(client, site_a.users["front_desk"])
    r = c.get(reverse("tickets:order_pdf", args=[order.pk]))
    assert r["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 3
    texts = [p.extract_text() for p in reader.pages]
    for text, title in zip(texts, ["存根联", "派工联", "回执联"], strict=True):
        assert order.number in text and title in text
    assert "报事单" in texts[0]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 in points


# SPEC T-02: the receipt carries the paid-service charges
def test_pdf_receipt_has_charges(site_a):
    from pypdf import PdfReader

    from tests.tickets.helpers import price
    from tickets.printing import work_orders_pdf

    order = to_completed(site_a, charges=[(price(), 1)], price_told=True)
    reader = PdfReader(io.BytesIO(work_orders_pdf([order])))
    assert "¥50.00" in reader.pages[2].extract_text()
    assert "¥50.00" not in reader.pages[0].extract_text()


# batch printing of a day's dispatches into one PDF
def test_batch_print(client, site_a):
    from pypdf import PdfReader

    orders = [dispatch(site_a, o, now=timezone.now()) for o in make_orders(site_a, 2)]
    c = client_for(client, site_a.users["front_desk"])
    r = c.get(reverse("tickets:batch_print"), {"go": "1"})
    assert len(PdfReader(io.BytesIO(r.content)).pages) == 3 * len(orders)


# SPEC T-13: settlement page and spreadsheet
def test_settlement_page_and_xlsx(client, site_a):
    from openpyxl import load_workbook

    from tests.tickets.helpers import price

    now = timezone.now()
    order = dispatch(site_a, register(site_a, now=now - timedelta(hours=3)))
    from tests.tickets.helpers import complete
    complete(site_a, order, now=now - timedelta(hours=1), charges=[(price(), 2)], price_told=True)
    c = client_for(client, site_a.users["finance"])
    # SPEC T-13, issue 16.5: not approved yet → listed apart, not settled
    page = c.get(reverse("tickets:settlement")).content.decode()
    assert 'data-testid="pending"' in page and 'data-testid="grand-total">¥0.00' in page
    WorkOrder.objects.filter(pk=order.pk).update(charges_approved_by=site_a.users["cs_supervisor"])
    r = c.get(reverse("tickets:settlement"))
    assert r.status_code == 200 and "¥100.00" in r.content.decode()
    assert 'data-testid="pending"' not in r.content.decode()
    r = c.get(reverse("tickets:settlement"), {"format": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content)).active
    assert any(row[3] == 100 for row in ws.iter_rows(values_only=True) if row and row[1])


# large batches: the Celery task writes the PDF and reports progress
def test_batch_print_task(site_a, settings, tmp_path):
    from tickets.printing import batch_file_read, batch_progress
    from tickets.tasks import batch_print_task

    settings.MEDIA_ROOT = str(tmp_path)
    orders = [dispatch(site_a, o, now=timezone.now()) for o in make_orders(site_a, 2)]
    result = batch_print_task.apply(kwargs={"user_id": site_a.users["front_desk"].pk,
                                            "day": timezone.localdate().isoformat()}, task_id="t-1")
    assert result.get() == "t-1"
    progress = batch_progress("t-1")
    assert progress["done"] and progress["total"] == len(orders)
    assert batch_file_read("t-1")[:4] == b"%PDF"


# SPEC T-11 / X-01: a chased order (system events without an actor) renders its timeline
def test_detail_of_chased_order(client, site_a):
    from core.deadlines import deadline_breach_due

    order = dispatch(site_a, register(site_a, now=timezone.now() - timedelta(days=3)))
    deadline_breach_due(now=timezone.now())
    assert order.events.filter(kind="chased").exists()
    r = client_for(client, site_a.users["front_desk"]).get(order.get_absolute_url())
    assert r.status_code == 200 and 'data-state="breached"' in r.content.decode()


# the detail page: main-path steps as open forms, the others fetched when opened (constant cost)
def test_less_frequent_steps_load_their_form_when_opened(client, site_a, site_b):
    order = dispatch(site_a, register(site_a))
    c = client_for(client, site_a.users["front_desk"])
    body = c.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="open-cancel"' in body and 'data-testid="do-cancel"' not in body
    r = c.get(reverse("tickets:order_action_form", args=[order.pk, "cancel"]))
    assert r.status_code == 200 and 'data-testid="do-cancel"' in r.content.decode()
    assert 'name="reason"' in r.content.decode()
    # a step this user may not take, an unknown one, another site's order: not found
    assert c.get(reverse("tickets:order_action_form", args=[order.pk, "dispatch"])).status_code == 404
    assert c.get(reverse("tickets:order_action_form", args=[order.pk, "nonsense"])).status_code == 404
    other = dispatch(site_b, register(site_b))
    assert c.get(reverse("tickets:order_action_form", args=[other.pk, "cancel"])).status_code == 404


# completion is the department's open form; the front desk (copying a paper form) opens it on demand
def test_completion_form_open_for_the_department_on_demand_for_the_front_desk(client, site_a):
    order = dispatch(site_a, register(site_a))
    worker = client_for(client, site_a.users["dept_staff"]).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="do-complete"' in worker
    desk = client_for(client, site_a.users["front_desk"]).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="open-complete"' in desk and 'data-testid="do-complete"' not in desk
