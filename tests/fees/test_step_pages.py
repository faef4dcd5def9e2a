"""Issue 14.1 in fees: the bank result import (F-05) and a unit's bill re-run (F-02) are declared steps run
by core's generic view at their old URLs: success → message and the page; bad input next to its field with
what was typed kept; whom the predicate refuses is refused; another site's record is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from fees import services as svc
from fees.models import BankAccount, BankLine, Bill, Payment
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


@pytest.fixture
def billed(site_a, fees_a):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    return site_a


@pytest.fixture
def batch(billed):
    for i, u in enumerate(billed.units[:2]):
        BankAccount.objects.create(site=billed.site, unit=u, bank="工商银行", account_no=f"62220000000{i}",
                                   holder=f"业主{i}")
    return svc.bank_batch_create(site=billed.site, bank="工商银行", period=NOV, actor=billed.users["finance"], now=T0)


def _result_csv(batch) -> SimpleUploadedFile:
    ok, bad = batch.lines.order_by("pk")
    text = f"流水号,结果,原因\n{ok.pk},成功,\n{bad.pk},失败,余额不足\nx,成功,\n"
    return SimpleUploadedFile("回盘.csv", text.encode("utf-8-sig"), content_type="text/csv")


# SPEC F-05: the bank's result through the page — imported once, the report shown once after the redirect
def test_f05_result_imported_through_the_page_report_shown_once(client, billed, batch):
    url = reverse("fees:bank_batch_detail", args=[batch.pk])
    client.force_login(billed.users["finance"])
    r = client.post(url, {"file": _result_csv(batch), "submission_key": "k-bank-1"})
    assert r.status_code == 302 and r["Location"] == url
    assert Payment.objects.filter(method="bank").count() == 1
    assert sorted(BankLine.objects.values_list("status", flat=True)) == ["collected", "failed"]
    page = client.get(url)
    html = page.content.decode()
    assert 'data-testid="result-report"' in html and "余额不足" in html
    assert [m.message for m in page.context["messages"]] == [gettext(
        "The bank's result is imported: %(collected)s collected, %(failed)s failed, %(other)s rows not taken "
        "(see below).") % {"collected": 1, "failed": 1, "other": 1}]
    assert 'data-testid="result-report"' not in client.get(url).content.decode()  # a reload: the lines only
    # issue 23.2: the same form sent again does nothing twice
    r = client.post(url, {"file": _result_csv(batch), "submission_key": "k-bank-1"})
    assert r.status_code == 302 and Payment.objects.filter(method="bank").count() == 1


# SPEC X-03: the file is judged by its content; a picture named .csv is refused next to the field
def test_f05_a_file_that_is_no_table_is_refused_next_to_the_field(client, billed, batch):
    client.force_login(billed.users["finance"])
    png = SimpleUploadedFile("回盘.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="text/csv")
    r = client.post(reverse("fees:bank_batch_detail", args=[batch.pk]), {"file": png})
    assert r.status_code == 200 and "file" in r.context["form"].errors
    assert not BankLine.objects.exclude(status="sent").exists()


# issue 14.2, SPEC X-01: only finance of the batch's site imports; another site's batch is 404
def test_f05_import_refused_to_front_desk_and_other_site(client, billed, batch, site_b):
    url = reverse("fees:bank_batch_detail", args=[batch.pk])
    client.force_login(billed.users["front_desk"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    r = client.post(url, {"file": _result_csv(batch)})
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    assert not Payment.objects.filter(method="bank").exists()
    client.force_login(site_b.users["finance"])
    assert client.post(url, {"file": _result_csv(batch)}).status_code == 404
    assert not Payment.objects.filter(method="bank").exists()


# SPEC F-02: one unit's month re-run from its account page after a corrected reading
def test_f02_unit_rerun_through_the_page(client, billed, fees_a):
    unit = billed.units[0]
    svc.meter_reading_record(meter=fees_a.meters[0], period=NOV, reading="110", actor=billed.users["zone_staff"],
                             now=T0)
    client.force_login(billed.users["finance"])
    account = reverse("fees:unit_account", args=[unit.pk])
    assert 'data-testid="action-rerun"' in client.get(account).content.decode()
    r = client.post(reverse("fees:unit_rerun", args=[unit.pk]), {"month": "2026-11"}, follow=True)
    assert r.redirect_chain == [(account, 302)]
    assert "2026-11" in [m.message for m in r.context["messages"]][0]
    assert Bill.objects.filter(unit=unit, period=NOV, status=Bill.Status.VOID).count() == 1


def test_f02_unit_rerun_bad_month_next_to_the_field_and_refused_to_front_desk(client, billed):
    unit = billed.units[0]
    url = reverse("fees:unit_rerun", args=[unit.pk])
    client.force_login(billed.users["finance"])
    r = client.post(url, {"month": "2026-13"})  # before issue 14.1 this was a 500
    form = r.context["forms"]["rerun"]
    assert r.status_code == 200 and "month" in form.errors and form["month"].value() == "2026-13"
    client.force_login(billed.users["front_desk"])
    assert 'data-testid="action-rerun"' not in client.get(reverse("fees:unit_account", args=[unit.pk])).content.decode()
    r = client.post(url, {"month": "2026-11"})
    assert r.status_code == 200 and r.context["forms"]["rerun"].non_field_errors()
    assert not Bill.objects.filter(status=Bill.Status.VOID).exists()
