"""Issue 16 in a browser: meter readings on the keyboard page → bill run with progress → payment notice
PDF → a partial payment at the desk → receipt PDF → the unit in the arrears list (SPEC F-02..F-04)."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from fees import services as svc
from fees.models import Bill, BillRun, Payment
from tests.e2e.conftest import login
from tests.fees.conftest import OCT, T0, setup_fees

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username: str, url: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)
    page.goto(url)


def test_fees_flow(page, live_server, site_a):
    f = setup_fees(site_a)
    for meter, value in zip(f.meters, ["100", "200", "300"], strict=True):
        svc.meter_reading_record(meter=meter, period=OCT, reading=value, actor=site_a.users["zone_staff"], now=T0)
    base = live_server.url

    # F-04: the month's readings typed on the keyboard page, Enter between boxes
    _as(page, live_server, "a_zone_staff", f"{base}/fees/meters/?building={site_a.building.pk}&month=2026-11")
    page.fill("[data-testid='reading-W3-2-1501']", "115")
    page.fill("[data-testid='reading-W3-2-1502']", "205")
    page.click("[data-testid=meter-save]")
    page.wait_for_selector("text=2 ")
    assert f.meters[0].readings.get(period="2026-11-01").consumption == 15

    # F-02: the bill run, queued and shown with its progress
    _as(page, live_server, "a_finance", f"{base}/fees/runs/")
    page.fill("input[name=period]", "2026-11")
    page.click("[data-testid=bill-run-submit]")
    page.wait_for_selector("[data-testid=run-progress]")
    run = BillRun.objects.get()
    if run.status != BillRun.Status.DONE:  # the worker's part (eager or not), then the page shows it done
        svc.bill_run_execute(run_id=run.pk)
    page.reload()
    page.wait_for_selector("[data-testid=run-progress][data-status=done]")
    assert Bill.objects.filter(period="2026-11-01").count() == 3

    # payment notices of the building: one A4 page per unit, in Chinese
    href = page.get_attribute(f"[data-testid='notices-{site_a.building.number}']", "href")
    pdf = PdfReader(BytesIO(page.request.get(base + href).body()))
    assert len(pdf.pages) == 3 and "收费通知单" in pdf.pages[0].extract_text()

    # a partial payment at the desk, full-width digits accepted
    unit = site_a.units[0]
    bill = Bill.objects.get(unit=unit, period="2026-11-01")
    _as(page, live_server, "a_front_desk", f"{base}/fees/units/{unit.pk}/pay/")
    page.fill("input[name=amount]", "１００")
    page.select_option("select[name=method]", "cash")
    page.click("[data-testid=payment-submit]")
    page.wait_for_selector("[data-testid=receipt-pdf]")
    pay = Payment.objects.get(unit=unit)
    assert pay.amount == 100
    bill.refresh_from_db()
    assert bill.paid == 100 and bill.status == Bill.Status.OPEN
    assert page.inner_text("[data-testid=balance]").replace(",", "") == f"¥{bill.total - 100:.2f}"

    # the receipt PDF
    href = page.get_attribute("[data-testid=receipt-pdf]", "href")
    text = PdfReader(BytesIO(page.request.get(base + href).body())).pages[0].extract_text()
    assert "收据" in text and pay.receipt.number in text

    # the arrears list still shows the unit, with what is left
    _as(page, live_server, "a_finance", f"{base}/fees/arrears/?month=2026-11")
    row = page.locator("[data-testid=arrears] tbody tr", has_text=unit.code)
    assert row.count() == 1
    assert f"{bill.total - 100:,.2f}" in row.inner_text()
