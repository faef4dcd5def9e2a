"""Deposit pages (R-03, R-07, issue 16 part 6), payment notices by email (F-02, part 3) and the
month-end settlement of paid services (T-13, F-06, part 5)."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from fees import services as svc
from fees.models import Bill, DepositMovement, NoticeEmail
from portal.services import account_open
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(site_a, fees_a):
    svc.deposit_take(unit=site_a.units[0], amount="2000", method="cash", reference="ZX-1",
                     actor=site_a.users["front_desk"], now=T0)
    return site_a


def _post(client, unit, kind, **fields):
    return client.post(reverse("fees:deposits", args=[unit.pk]),
                       {"kind": kind, **{f"{kind}-{k}": v for k, v in fields.items()}})


# SPEC R-07: a refund never exceeds what is held — refused next to the amount, what was typed kept
def test_r07_refund_above_held_is_refused_with_a_field_message(client, held):
    unit = held.units[0]
    client.force_login(held.users["finance"])
    r = client.get(reverse("fees:deposits", args=[unit.pk]))
    assert r.status_code == 200 and "2,000.00" in r.content.decode()
    r = _post(client, unit, "refund", reference="ZX-1", amount="2000.01", reason="")
    assert r.status_code == 200
    form = r.context["forms"]["refund"]
    assert "amount" in form.errors and form["amount"].value() == "2000.01"
    assert not DepositMovement.objects.filter(kind="refunded").exists()


# SPEC: deducted with the reason, then refunded what is left, through the page
def test_r07_deduct_with_reason_then_refund_the_rest(client, held):
    unit = held.units[0]
    client.force_login(held.users["finance"])
    r = _post(client, unit, "deduct", reference="ZX-1", amount="300", reason="")
    assert r.status_code == 200 and "reason" in r.context["forms"]["deduct"].errors
    assert _post(client, unit, "deduct", reference="ZX-1", amount="300", reason="损坏公共墙面").status_code == 302
    assert _post(client, unit, "refund", reference="ZX-1", amount="1700", reason="").status_code == 302
    assert svc.deposit_held(unit, "ZX-1") == 0
    page = client.get(reverse("fees:deposits", args=[unit.pk])).content.decode()
    assert "损坏公共墙面" in page


def test_deposit_page_front_desk_cannot_take_money_out_and_other_site_is_404(client, held, site_b):
    unit = held.units[0]
    client.force_login(held.users["front_desk"])
    r = _post(client, unit, "refund", reference="ZX-1", amount="100", reason="")
    assert r.status_code == 200 and svc.deposit_held(unit) == Decimal("2000.00")
    client.force_login(site_b.users["finance"])
    assert client.get(reverse("fees:deposits", args=[unit.pk])).status_code == 404


# SPEC F-02: payment notices sent by email where the household has one, PDF attached, once
def test_f02_notices_by_email_per_building_once_with_pdf(client, site_a, fees_a, django_capture_on_commit_callbacks):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"], phone="13900000011",
                 email="owner@example.com", now=T0)
    client.force_login(site_a.users["finance"])
    url = reverse("fees:notices_building_email", args=[site_a.building.pk])
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"month": "2026-11"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == ["owner@example.com"] and site_a.units[0].code in msg.subject
    name, content, mimetype = msg.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"
    row = NoticeEmail.objects.get()
    assert row.bill == Bill.objects.get(unit=site_a.units[0], period=NOV) and row.email_sent_at
    with django_capture_on_commit_callbacks(execute=True):  # the same building again: nothing sent twice
        client.post(url, {"month": "2026-11"})
    assert len(mail.outbox) == 1 and NoticeEmail.objects.count() == 1
    # the front desk does not send notices
    client.force_login(site_a.users["front_desk"])
    client.post(url, {"month": "2026-11"})
    assert NoticeEmail.objects.count() == 1


# SPEC T-13, F-06: the month-end settlement counts only approved charges and shows what was collected
def test_t13_settlement_counts_approved_charges_and_collected(client, site_a, fees_a):
    from django.utils import timezone

    from tests.tickets.helpers import complete, dispatch, price, register

    approved = complete(site_a, dispatch(site_a, register(site_a)), charges=[(price(), 1)], price_told=True)
    pending = complete(site_a, dispatch(site_a, register(site_a, unit=1)), charges=[(price(), 2)], price_told=True)
    approved.charges_approved_by = site_a.users["cs_supervisor"]
    approved.save(update_fields=["charges_approved_by"])
    bill = svc.work_order_charge_post(order=approved, actor=site_a.users["front_desk"], now=T0)
    svc.payment_post(unit=site_a.units[0], amount="20", method="cash", actor=site_a.users["front_desk"], now=T0,
                     bills=[bill])
    month = f"{timezone.localtime(approved.completed_at):%Y-%m}"
    client.force_login(site_a.users["finance"])
    r = client.get(reverse("fees:settlement"), {"month": month})
    assert r.status_code == 200
    assert r.context["totals"] == {"charged": bill.total, "posted": bill.total, "collected": Decimal("20.00")}
    assert [row["order"].pk for row in r.context["rows"]] == [approved.pk]
    assert [o.pk for o in r.context["pending"]] == [pending.pk]
    assert pending.number in r.content.decode()
