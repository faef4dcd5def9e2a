"""The report framework: registry, schedules, mailings, monthly report formats (SPEC D-01..D-03, C-10)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.deadlines import deadline_start
from core.models import Deadline
from reports import registry
from reports.models import DigestPreference, DigestSchedule, DistributionList, MailingKind, MailingRun, MonthlyReport
from reports.registry import Block, Chart, Figure, Section, Table
from reports.services import monthly_report_generate, monthly_report_request, report_blocks
from reports.tasks import scheduled_mailings_task

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


class _Probe(Section):
    """A test section: counts deadlines of the sites so each format can be checked for the same numbers."""

    key = "zz_probe"
    title = _("Probe section")
    order = 999

    def _block(self, site_ids, start=None, end=None):
        qs = Deadline.objects.filter(site_id__in=site_ids)
        if start:
            qs = qs.filter(started_at__gte=start, started_at__lt=end)
        n = qs.count()
        return self.block(
            figures=[Figure("clocks", "Clocks", n, url="/core/inbox/"),
                     Figure("share", "Share", registry.rate(n, 4), kind=registry.RATE)],
            charts=[Chart("c", "Chart", ["a", "b"], [{"label": "n", "data": [n, 2]}])],
            tables=[Table("t", "Table", ["Name", "N"], [["x", n]])])

    def dashboard(self, *, site_ids, now):
        return self._block(site_ids)

    def monthly(self, *, site_ids, start, end):
        return self._block(site_ids, start, end)

    def digest(self, *, site_ids, now):
        return self._block(site_ids)


@pytest.fixture
def probe():
    registry.register(_Probe)
    yield
    registry.unregister(_Probe.key)


def test_block_roundtrip_keeps_numbers():
    block = Block(key="k", title="T", figures=[Figure("a", "A", 3), Figure("r", "R", registry.rate(1, 3), kind="rate")],
                  tables=[Table("t", "T", ["x", "n"], [["row", 5]])],
                  charts=[Chart("c", "C", ["m"], [{"label": "l", "data": [1]}])])
    again = Block.from_dict(block.to_dict())
    assert again.value("a") == 3
    assert str(again.value("r")) == "0.3333"
    assert again.table("t").rows == [["row", 5]]


def test_rate_of_nothing_is_zero():
    # SPEC D-04 correctness: an empty month renders zeros, not errors
    assert registry.rate(0, 0) == 0
    assert str(registry.rate(2, 3)) == "0.6667"


def test_autodiscovery_finds_own_sections():
    keys = [s.key for s in registry.sections()]
    assert "deadlines" in keys


def test_dashboard_page_and_site_isolation(client, site_a, site_b, probe):
    # SPEC D-01 / X-02
    now = at(2026, 11, 23, 10, 0)
    for _i in range(2):
        deadline_start(subject=site_a.units[0], code="reports.monthly", now=now, site_id=site_a.site.pk)
        site_a.units.pop(0)
    deadline_start(subject=site_b.units[0], code="reports.monthly", now=now, site_id=site_b.site.pk)
    client.force_login(site_a.users["cs_supervisor"])
    resp = client.get(reverse("reports:dashboard"))
    assert resp.status_code == 200
    assert resp.context["blocks"][-1].value("clocks") == 2  # site B's clock not counted
    assert 'hx-trigger="every 60s"' in resp.content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in resp.content.decode()
    # another site's dashboard is 404
    assert client.get(reverse("reports:dashboard"), {"site": site_b.site.pk}).status_code == 404
    # the htmx partial
    body = client.get(reverse("reports:dashboard_body"), HTTP_HX_REQUEST="true")
    assert body.status_code == 200 and b"<html" not in body.content
    assert b'data-testid="fig-zz_probe-clocks"' in body.content


def test_company_view_sees_all_sites(client, site_a, site_b, company_staff, probe):
    # SPEC D-01 company view
    now = at(2026, 11, 23, 10, 0)
    deadline_start(subject=site_a.units[0], code="reports.monthly", now=now, site_id=site_a.site.pk)
    deadline_start(subject=site_b.units[0], code="reports.monthly", now=now, site_id=site_b.site.pk)
    client.force_login(company_staff.leader.user)
    resp = client.get(reverse("reports:dashboard"))
    assert resp.context["blocks"][-1].value("clocks") == 2
    resp = client.get(reverse("reports:dashboard"), {"site": site_b.site.pk})
    assert resp.context["blocks"][-1].value("clocks") == 1


def test_front_desk_has_no_dashboard(client, site_a):
    client.force_login(site_a.users["front_desk"])
    assert client.get(reverse("reports:dashboard")).status_code == 403


# ---- schedules (SPEC D-03): frozen clock, the beat task called directly


def _supervisor_mails():
    return [m for m in mail.outbox if "每日摘要" in m.subject]


def test_daily_digest_at_0800_local_once(site_a, probe):
    # SPEC D-03: the daily 08:00 digest to each supervisor; a doubled beat sends nothing twice
    with time_machine.travel(at(2026, 11, 23, 7, 59), tick=False):
        scheduled_mailings_task()
    assert mail.outbox == []
    with time_machine.travel(at(2026, 11, 23, 8, 0), tick=False):
        scheduled_mailings_task()
        scheduled_mailings_task()
    mails = _supervisor_mails()
    to = sorted(m.to[0] for m in mails)
    assert to == sorted(f"a_{r}@example.com" for r in
                        ("cs_supervisor", "dept_supervisor", "security_supervisor", "center_head", "site_director"))
    assert len(mails) == 5
    assert MailingRun.objects.filter(schedule__kind=MailingKind.DAILY_DIGEST, period="2026-11-23").count() == 1
    m = mails[0]
    assert "A小区" in m.subject
    html = m.alternatives[0][0]
    assert "Probe section" in html and "Probe section" in m.body
    with time_machine.travel(at(2026, 11, 24, 8, 1), tick=False):  # next day, a minute late: still sent
        scheduled_mailings_task()
    assert len(_supervisor_mails()) == 10


def test_daily_digest_opt_out(site_a, probe):
    DigestPreference.objects.create(user=site_a.users["center_head"], kind=MailingKind.DAILY_DIGEST, enabled=False)
    with time_machine.travel(at(2026, 11, 23, 8, 0), tick=False):
        scheduled_mailings_task()
    assert "a_center_head@example.com" not in [m.to[0] for m in _supervisor_mails()]
    assert len(_supervisor_mails()) == 4


def test_schedule_is_admin_editable(site_a, probe):
    DigestSchedule.objects.filter(kind=MailingKind.DAILY_DIGEST).update(hour=7, minute=30)
    with time_machine.travel(at(2026, 11, 23, 7, 30), tick=False):
        scheduled_mailings_task()
    assert len(_supervisor_mails()) == 5
    DigestSchedule.objects.filter(kind=MailingKind.DAILY_DIGEST).update(enabled=False)
    with time_machine.travel(at(2026, 11, 24, 7, 30), tick=False):
        scheduled_mailings_task()
    assert len(_supervisor_mails()) == 5


def test_monthly_report_on_the_first_with_attachments(site_a, site_b, probe):
    # SPEC D-02 / D-03: beat on the 1st generates last month's reports and mails PDF + XLSX
    DistributionList.objects.create(name="总经办", kind=MailingKind.MONTHLY_REPORT,
                                    emails="gm@example.com, exec@example.com")
    DistributionList.objects.create(name="A", kind=MailingKind.MONTHLY_REPORT, site=site_a.site, emails="a@example.com")
    deadline_start(subject=site_a.units[0], code="reports.monthly", now=at(2026, 11, 3, 9), site_id=site_a.site.pk)
    with time_machine.travel(at(2026, 12, 1, 6, 0), tick=False):
        scheduled_mailings_task()
        scheduled_mailings_task()
    reports = MonthlyReport.objects.filter(month=date(2026, 11, 1))
    assert reports.count() == 3  # two sites + company-wide
    assert set(reports.values_list("status", flat=True)) == {MonthlyReport.Status.READY}
    # the reports.monthly clock was started and stopped (met) for each
    assert Deadline.objects.filter(code="reports.monthly", state=Deadline.State.MET).count() == 3
    report_mails = [m for m in mail.outbox if "月报" in m.subject]
    assert len(report_mails) == 2
    company = next(m for m in report_mails if "gm@example.com" in m.to)
    assert company.to == ["gm@example.com", "exec@example.com"]
    names = sorted(a[0] for a in company.attachments)
    assert names == ["company-2026-11.pdf", "company-2026-11.xlsx"]
    a_mail = next(m for m in report_mails if m.to == ["a@example.com"])
    assert [a[0] for a in a_mail.attachments] == ["TA-2026-11.pdf", "TA-2026-11.xlsx"]
    pdf = next(a for a in a_mail.attachments if a[0].endswith(".pdf"))[1]
    assert pdf[:4] == b"%PDF"
    # nothing on the 2nd
    with time_machine.travel(at(2026, 12, 2, 6, 0), tick=False):
        scheduled_mailings_task()
    assert len([m for m in mail.outbox if "月报" in m.subject]) == 2


def test_regenerating_replaces(site_a, probe, django_capture_on_commit_callbacks):
    # SPEC D-02: regenerating replaces, never duplicates
    with django_capture_on_commit_callbacks(execute=True):
        first = monthly_report_request(site=site_a.site, month=date(2026, 10, 1), now=at(2026, 11, 2, 9))
    first.refresh_from_db()
    assert first.is_ready
    old_pdf = first.pdf.name
    deadline_start(subject=site_a.units[0], code="reports.monthly", now=at(2026, 10, 3, 9), site_id=site_a.site.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = monthly_report_request(site=site_a.site, month=date(2026, 10, 1), now=at(2026, 11, 3, 9))
    assert again.pk == first.pk
    assert MonthlyReport.objects.count() == 1
    again.refresh_from_db()
    assert next(b for b in report_blocks(again) if b.key == "zz_probe").value("clocks") == 1
    assert not again.pdf.storage.exists(old_pdf) or again.pdf.name == old_pdf


def test_xlsx_and_pdf_hold_the_page_numbers(client, site_a, probe):
    # SPEC D-02: the same figures as a web page, a PDF and a spreadsheet
    from openpyxl import load_workbook
    from pypdf import PdfReader

    for i in range(3):
        deadline_start(subject=site_a.units[i], code="reports.monthly", now=at(2026, 10, 5 + i, 9),
                       site_id=site_a.site.pk)
    report = MonthlyReport.objects.create(site=site_a.site, month=date(2026, 10, 1))
    report = monthly_report_generate(report_id=report.pk, now=at(2026, 11, 1, 6))
    client.force_login(site_a.users["cs_supervisor"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="fig-zz_probe-clocks"' in page
    probe_block = next(b for b in report_blocks(report) if b.key == "zz_probe")
    assert probe_block.value("clocks") == 3
    assert 'data-value="3"' in page

    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    ws = wb["Probe section"]
    values = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert values["Clocks"] == 3
    assert float(values["Share"]) == 0.75

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.pdf.read())).pages)
    for block in report_blocks(report):
        assert block.title in text
    assert "月报" in text

    resp = client.get(reverse("reports:monthly_download", args=[report.pk, "xlsx"]))
    assert resp.status_code == 200


def test_empty_month_renders_zeros(client, site_a):
    # SPEC D-04: a month with no data renders zeros, not errors
    report = MonthlyReport.objects.create(site=site_a.site, month=date(2020, 1, 1))
    report = monthly_report_generate(report_id=report.pk, now=at(2026, 11, 1, 6))
    assert report.is_ready
    for block in report_blocks(report):
        for fig in block.figures:
            if fig.key != "households":  # the denominator, not a figure of the month
                assert fig.value == 0, (block.key, fig.key)
    client.force_login(site_a.users["cs_supervisor"])
    assert client.get(report.get_absolute_url()).status_code == 200


def test_report_isolation(client, site_a, site_b):
    # SPEC X-02: another site's report is 404; company-wide reports are for company roles only
    rb = MonthlyReport.objects.create(site=site_b.site, month=date(2026, 10, 1))
    company = MonthlyReport.objects.create(site=None, month=date(2026, 10, 1))
    client.force_login(site_a.users["site_director"])
    assert client.get(rb.get_absolute_url()).status_code == 404
    assert client.get(company.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:monthly_download", args=[rb.pk, "pdf"])).status_code == 404


def test_on_demand_request_shows_progress(client, site_a, django_capture_on_commit_callbacks):
    # SPEC D-02: on demand for any month; progress polled by htmx
    client.force_login(site_a.users["cs_supervisor"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(reverse("reports:monthly_request"), {"month": "2026-09", "site": site_a.site.pk})
    report = MonthlyReport.objects.get()
    assert resp.status_code == 302 and resp["Location"] == report.get_absolute_url()
    progress = client.get(reverse("reports:monthly_progress", args=[report.pk]))
    assert b'hx-trigger="every 2s"' in progress.content
    for cb in callbacks:
        cb()
    progress = client.get(reverse("reports:monthly_progress", args=[report.pk]))
    assert progress["HX-Refresh"] == "true"
    # a future month is refused next to the field
    resp = client.post(reverse("reports:monthly_request"), {"month": "2099-01", "site": site_a.site.pk})
    assert resp.status_code == 400 and resp.context["form"].errors["month"]
    # a company-wide report cannot be requested by a site supervisor
    resp = client.post(reverse("reports:monthly_request"), {"month": "2026-09", "site": ""})
    assert resp.status_code in (400, 403)
    assert MonthlyReport.objects.count() == 1


def test_preferences_page_opts_out(client, site_a):
    user = site_a.users["cs_supervisor"]
    client.force_login(user)
    resp = client.post(reverse("reports:preferences"), {"weekly_complaints": "on"})
    assert resp.status_code == 302
    assert DigestPreference.objects.get(user=user, kind=MailingKind.DAILY_DIGEST).enabled is False
    assert DigestPreference.objects.get(user=user, kind=MailingKind.WEEKLY_COMPLAINTS).enabled is True


def test_calendar_warning_banner_and_digest(client, site_a):
    # SPEC W-02 / D-01 / D-03: a missing holiday calendar is shown on the dashboard and in the digest
    from core.models import CalendarYear

    with time_machine.travel(at(2099, 3, 2, 8, 0), tick=False):
        client.force_login(site_a.users["cs_supervisor"])  # sessions expire: log in on the frozen clock
        resp = client.get(reverse("reports:dashboard"))
        assert b'data-testid="calendar-warning"' in resp.content
        assert "2099" in resp.content.decode()
        scheduled_mailings_task()
    digest = next(m for m in mail.outbox if m.to == ["a_cs_supervisor@example.com"])
    assert "2099" in digest.body
    CalendarYear.objects.create(year=2099, complete=True)
    CalendarYear.objects.create(year=2100, complete=True)
    with time_machine.travel(at(2099, 3, 2, 8, 0), tick=False):
        resp = client.get(reverse("reports:dashboard"))
    assert b'data-testid="calendar-warning"' not in resp.content


def test_demo_seed_is_idempotent(site_a):
    from reports.demo import seed

    seed(now=at(2026, 11, 23, 9))
    seed(now=at(2026, 11, 23, 9))
    assert DistributionList.objects.count() == 4
