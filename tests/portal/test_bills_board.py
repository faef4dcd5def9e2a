"""Issue 22.5–22.6 / SPEC P-04: the household's bills, payments, receipts (PDF) and arrears — record only —
and the site's notice board published by the front desk."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from fees import selectors as fees_selectors
from fees import services as fees_services
from portal import services
from tests.fees.conftest import NOV, T0, setup_fees
from tests.portal.conftest import open_account

pytestmark = pytest.mark.django_db


def test_bills_payments_receipts_and_arrears_of_the_own_household(household, resident_client, site_b):
    s = household.s
    setup_fees(s)
    fees_services.bill_run_now(site=s.site, period=NOV, actor=s.users["finance"], now=T0)
    mine = fees_services.payment_post(unit=s.units[0], amount="100", method="cash", actor=s.users["front_desk"],
                                      now=T0)
    theirs = fees_services.payment_post(unit=s.units[1], amount="50", method="cash", actor=s.users["front_desk"],
                                        now=T0)
    html = resident_client.get(reverse("portal:bills")).content.decode()
    assert mine.receipt.number in html and theirs.receipt.number not in html
    owed = fees_selectors.unit_account(s.units[0])["outstanding"]
    assert "2026-11" in html and "当前欠费" in html and f"{owed:,.2f}" in html
    pdf = resident_client.get(reverse("portal:receipt_pdf", args=[mine.receipt.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert resident_client.get(reverse("portal:receipt_pdf", args=[theirs.receipt.pk])).status_code == 404
    assert "pay" not in html.lower().replace("payment", "")  # no online payment: nothing to pay with


def test_notice_board_per_site(household, resident_client, site_b):
    s = household.s
    services.notice_publish(site_id=s.site.pk, actor=s.users["front_desk"], kind="outage", title="明日停水",
                            body="12月2日 9:00–12:00 3号楼停水")
    services.notice_publish(site_id=site_b.site.pk, actor=site_b.users["front_desk"], kind="other",
                            title="B区通知", body="另一个小区")
    gone = services.notice_publish(site_id=s.site.pk, actor=s.users["front_desk"], kind="other", title="已撤回",
                                   body="x")
    services.notice_withdraw(notice=gone, actor=s.users["front_desk"])
    html = resident_client.get(reverse("portal:board")).content.decode()
    assert "明日停水" in html and "B区通知" not in html and "已撤回" not in html
    with pytest.raises(PermissionDenied):
        services.notice_publish(site_id=s.site.pk, actor=site_b.users["front_desk"], kind="other", title="x",
                                body="y")
    staff = Client()
    staff.force_login(s.users["front_desk"])
    resp = staff.post(reverse("portal:desk_notices"), {"site": s.site.pk, "kind": "renovation",
                                                        "title": "装修公告", "body": "5号楼装修"})
    assert resp.status_code == 302
    assert "装修公告" in resident_client.get(reverse("portal:board")).content.decode()


def test_residents_cannot_publish(household, resident_client):
    assert resident_client.get(reverse("portal:desk_notices")).status_code == 404
    assert open_account(household.s, 1).user.has_usable_password()
