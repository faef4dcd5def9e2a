"""Fees pages: site isolation (404), the payment form sent twice → one payment, bad amounts as field
errors (never a 500), PDFs with Chinese text, the pages render (SPEC F-02..F-05, X-02, X-03, D-04)."""

from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fees import services as svc
from fees.models import BillRun, Payment, Receipt
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(site_a, fees_a):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    pay = svc.payment_post(unit=site_a.units[0], amount="100", method="cash", actor=site_a.users["front_desk"],
                           now=T0)
    rem = svc.reminder_create(unit=site_a.units[1], actor=site_a.users["finance"], now=T0)
    return {"pay": pay, "reminder": rem, "bill": site_a.units[0].bills.get(period=NOV)}


def _urls(site_a, b):
    u = site_a.units[0].pk
    return [reverse("fees:unit_account", args=[u]), reverse("fees:payment_create", args=[u]),
            reverse("fees:deposit_take", args=[u]), reverse("fees:payment_reverse", args=[b["pay"].pk]),
            reverse("fees:receipt_pdf", args=[b["pay"].receipt.pk]), reverse("fees:notice_pdf", args=[b["bill"].pk]),
            reverse("fees:notices_building_pdf", args=[site_a.building.pk]),
            reverse("fees:reminder_detail", args=[b["reminder"].pk]),
            reverse("fees:reminder_letter_pdf", args=[b["reminder"].pk])]


def test_x02_other_site_gets_404(client, site_a, site_b, billed):
    client.force_login(site_b.users["finance"])
    for url in _urls(site_a, billed):
        assert client.get(url).status_code == 404, url
    # and a payment posted at another site's unit is 404, nothing recorded
    before = Payment.objects.count()
    r = client.post(reverse("fees:payment_create", args=[site_a.units[0].pk]), {"amount": "10", "method": "cash"})
    assert r.status_code == 404 and Payment.objects.count() == before


def test_pages_render(client, site_a, billed):
    client.force_login(site_a.users["finance"])
    for url in [*_urls(site_a, billed), reverse("fees:index"), reverse("fees:arrears"),
                reverse("fees:arrears") + "?group=zone", reverse("fees:arrears") + "?group=building&month=2026-13",
                reverse("fees:reminder_list"), reverse("fees:receipts"), reverse("fees:bill_run_create"),
                reverse("fees:meter_entry") + f"?building={site_a.building.pk}&month=2026-11",
                reverse("fees:meter_import"), reverse("fees:bank_batches"), reverse("fees:index") + "?q=3-2"]:
        r = client.get(url)
        assert r.status_code == 200, url


def test_d04_receipt_and_notice_pdfs_are_chinese(client, site_a, billed):
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("fees:receipt_pdf", args=[billed["pay"].receipt.pk]))
    text = PdfReader(BytesIO(r.content)).pages[0].extract_text()
    assert r["Content-Type"] == "application/pdf" and "收据" in text and billed["pay"].receipt.number in text
    r = client.get(reverse("fees:notices_building_pdf", args=[site_a.building.pk]) + "?month=2026-11")
    pdf = PdfReader(BytesIO(r.content))
    assert len(pdf.pages) == 3 and "收费通知单" in pdf.pages[0].extract_text()


def test_f02_payment_form_sent_twice_is_one_payment(client, site_a, billed):
    # issue 16/23.2: double click or two tabs → one payment, one receipt
    client.force_login(site_a.users["front_desk"])
    url = reverse("fees:payment_create", args=[site_a.units[1].pk])
    data = {"amount": "50.00", "method": "cash", "submission_key": "k-fees-1"}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302 and second.status_code == 302
    assert Payment.objects.filter(unit=site_a.units[1]).count() == 1
    assert Receipt.objects.filter(payment__unit=site_a.units[1]).count() == 1


@pytest.mark.parametrize(("raw", "ok"), [("-1", False), ("0.001", False), ("１２３", True), ("1,000.00", True),
                                         ("NaN", False), ("1e309", False), ("1000000000000", False)])
def test_bad_amounts_in_the_form(client, site_a, billed, raw, ok):
    # issue 16 "bad input": a message beside the field or the right value; never a 500
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("fees:payment_create", args=[site_a.units[2].pk]), {"amount": raw, "method": "cash"})
    paid = list(Payment.objects.filter(unit=site_a.units[2]).values_list("amount", flat=True))
    if ok:
        assert r.status_code == 302 and [str(a) for a in paid] == [{"１２３": "123.00"}.get(raw, "1000.00")]
    else:
        assert r.status_code == 200 and paid == []
        assert r.context["form"].errors["amount"]
        assert r.context["form"]["amount"].value() == raw  # nothing typed is lost


def test_front_desk_cannot_reverse_or_run_bills(client, site_a, billed):
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("fees:payment_reverse", args=[billed["pay"].pk]), {"amount": "1", "reason": "x"})
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    r = client.post(reverse("fees:bill_run_create"), {"period": "2026-12"})
    assert r.status_code == 200 and not BillRun.objects.filter(period="2026-12-01").exists()


def test_zone_staff_see_only_their_zone(client, site_a, billed):
    from estates.models import Zone
    from tests.factories import BuildingFactory, UnitFactory

    other_zone = Zone.objects.create(site=site_a.site, name="二片区")
    unit = UnitFactory(building=BuildingFactory(site=site_a.site, zone=other_zone, number="9"), site=site_a.site)
    from fees.models import Bill

    Bill.objects.create(site=site_a.site, unit=unit, period=NOV, total=99, issued_at=T0, due_date=T0.date())
    client.force_login(site_a.users["zone_staff"])
    r = client.get(reverse("fees:arrears"))
    codes = {row["unit__code"] for row in r.context["page"]}
    assert unit.code not in codes and site_a.units[1].code in codes


def test_bill_run_view_queues_and_shows_progress(client, site_a, fees_a, django_capture_on_commit_callbacks):
    client.force_login(site_a.users["finance"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        r = client.post(reverse("fees:bill_run_create"), {"period": "2026-11", "submission_key": "run-1"})
    run = BillRun.objects.get()
    assert r.status_code == 302 and len(callbacks) == 1
    svc.bill_run_execute(run_id=run.pk, now=T0)
    r = client.get(reverse("fees:bill_run_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert b'data-status="done"' in r.content and b"100%" in r.content


def test_meter_keyboard_page_records_and_refuses(client, site_a, fees_a):
    client.force_login(site_a.users["zone_staff"])
    url = reverse("fees:meter_entry")
    m = fees_a.meters
    r = client.post(url, {"building": site_a.building.pk, "month": "2026-10", f"m{m[0].pk}": "100",
                          f"m{m[1].pk}": "abc"})
    assert r.status_code == 200
    assert m[0].readings.get().reading == 100 and not m[1].readings.exists()
    assert "abc" in r.content.decode()  # kept, with the message beside it


# SPEC F-02, issue 14.1: the reversal is the payment's declared step; the unit account links it and its page
# shows the form only to finance; the generic view runs it and goes back to the unit's account
def test_reversal_is_a_declared_step(client, site_a, billed):
    pay = billed["pay"]
    url = reverse("fees:payment_reverse", args=[pay.pk])
    client.force_login(site_a.users["front_desk"])
    assert url not in client.get(reverse("fees:unit_account", args=[pay.unit_id])).content.decode()
    r = client.get(url)
    assert r.status_code == 200 and r.context["form"] is None and 'data-testid="not-available"' in r.content.decode()
    client.force_login(site_a.users["finance"])
    assert url in client.get(reverse("fees:unit_account", args=[pay.unit_id])).content.decode()
    assert f'action="{url}"' in client.get(url).content.decode()
    r = client.post(url, {"amount": "10", "reason": "金额录错"})
    assert r.status_code == 302 and r["Location"] == reverse("fees:unit_account", args=[pay.unit_id])
    assert pay.reversals.get().amount == 10


# SPEC F-03; issue 14.2: the "assign a reminder" button shows to exactly whom the service lets assign one
def test_f03_reminder_button_follows_the_service_rule(client, site_a, billed):
    from django.db import transaction

    from core.errors import DomainError
    from fees.models import Reminder

    class Undo(Exception):
        pass

    unit = site_a.units[0]
    url = reverse("fees:unit_account", args=[unit.pk])
    for role, user in site_a.users.items():
        client.force_login(user)
        page = client.get(url)
        shown = page.status_code == 200 and 'data-testid="reminder-create"' in page.content.decode()
        allowed = True
        try:
            with transaction.atomic():  # what the service says, undone
                svc.reminder_create(unit=unit, actor=user, now=T0)
                raise Undo
        except DomainError:
            allowed = False
        except Undo:
            pass
        assert shown == allowed, role
    client.force_login(site_a.users["zone_manager"])  # not finance, and may assign one: the button is there
    assert 'data-testid="reminder-create"' in client.get(url).content.decode()
    assert Reminder.objects.filter(unit=unit).count() == 0
