"""SPEC D-04 correctness: every figure against a hand-built fixture with hand-counted expectations.

Reference month October 2026 at site A; "now" for the dashboard is 2026-11-20 10:00 (Asia/Shanghai).
Site B holds one row of each kind that must never be counted for site A (site isolation).
"""

import io
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse

from callbacks.models import Callback, Result
from complaints.models import Category as CCat
from complaints.models import Complaint, Escalation, Severity
from core.deadlines import deadline_start
from core.models import Deadline
from estates.models import Department
from reports import registry
from reports.models import DistributionList, MailingKind, MonthlyReport
from reports.selectors import month_range
from reports.services import monthly_report_generate, report_blocks
from tickets.models import Category, Charge, Extension, WorkOrder

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
OCT = date(2026, 10, 1)


def at(m, d, h=10, mi=0):
    return datetime(2026, m, d, h, mi, tzinfo=SH)


def _order(site, n, cat, *, received, status=WorkOrder.Status.REGISTERED, completed=None, due=None, dept=None,
           zone=None, rework=0, emergency=False, closed=None):
    return WorkOrder.objects.create(site=site, number=f"RPT-{site.code}-{n}", category=cat, content="x",
                                    received_at=received, status=status, completed_at=completed, due_at=due,
                                    department=dept, zone=zone, rework_count=rework, is_emergency=emergency,
                                    closed_at=closed)


@pytest.fixture
def world(site_a, site_b):
    a, b = site_a.site, site_b.site
    water = Category.objects.create(code="rpt-water", name="RPT水电", department_kind=Department.Kind.ENGINEERING)
    clean = Category.objects.create(code="rpt-clean", name="RPT保洁", department_kind=Department.Kind.CLEANING)
    eng, cln = site_a.depts[Department.Kind.ENGINEERING], site_a.depts[Department.Kind.CLEANING]
    S = WorkOrder.Status
    o1 = _order(a, 1, water, received=at(10, 3), status=S.CLOSED, completed=at(10, 4), due=at(10, 6), dept=eng,
                zone=site_a.zone, closed=at(10, 5))
    o2 = _order(a, 2, water, received=at(10, 5), status=S.RETURNED, completed=at(10, 10), due=at(10, 8), dept=eng,
                zone=site_a.zone, rework=1)
    _order(a, 3, clean, received=at(10, 7), status=S.COMPLETED, completed=at(10, 8), dept=cln)  # no deadline
    _order(a, 4, water, received=at(10, 20), status=S.DISPATCHED, due=at(10, 22), dept=eng, zone=site_a.zone,
           emergency=True)
    o5 = _order(a, 5, clean, received=at(9, 28), status=S.CLOSED, completed=at(10, 2), due=at(10, 1), dept=cln,
                rework=2, closed=at(10, 3))
    o6 = _order(a, 6, clean, received=at(10, 25), status=S.CANCELLED, closed=at(10, 25))
    _order(a, 7, water, received=at(11, 1), status=S.REGISTERED, due=at(11, 20, 15))  # due later today
    _order(b, 8, water, received=at(10, 10), status=S.CLOSED, completed=at(10, 11), due=at(10, 12),
           closed=at(10, 12))
    _order(b, 9, water, received=at(10, 10), status=S.DISPATCHED, due=at(10, 12))  # overdue at B only
    user = site_a.users["front_desk"]
    Extension.objects.create(order=o2, at=at(10, 7), requested_by=user, reason="材料", old_due_at=at(10, 6),
                             new_due_at=at(10, 8))
    for order, amount in ((o1, "50.00"), (o5, "30.50"), (o6, "99.00")):
        Charge.objects.create(order=order, description="服务", unit_price=Decimal(amount), amount=Decimal(amount))

    staff = site_a.staff["front_desk"]
    CS = Complaint.Status

    def complaint(site, n, received, **kw):
        return Complaint.objects.create(site=site, number=f"RPT-C-{site.code}-{n}", received_at=received,
                                        received_by=staff, subject="投诉", **kw)

    complaint(a, 1, at(10, 2), is_valid=True, category=CCat.ENGINEERING, department=eng, unit=site_a.units[0],
              status=CS.CLOSED)
    c2 = complaint(a, 2, at(10, 9), is_valid=True, category=CCat.CLEANING, department=cln, status=CS.HANDLED,
                   was_late=True, level=2, severity=Severity.MAJOR)
    complaint(a, 3, at(10, 15), is_valid=False, status=CS.INVALID)
    c4 = complaint(a, 4, at(10, 20), status=CS.REGISTERED, severity=Severity.EMERGENCY)
    complaint(a, 5, at(10, 12), kind=Complaint.Kind.PRAISE, status=CS.CLOSED)
    complaint(a, 6, at(9, 5), is_valid=True, status=CS.CLOSED)
    complaint(b, 7, at(10, 5), is_valid=True, status=CS.CLOSED)
    Escalation.objects.create(complaint=c2, site=a, level=2, reason="超时", at=at(10, 10))
    deadline_start(subject=c4, code="reports.monthly", now=at(10, 20), due_at=at(10, 21), site_id=a.pk)

    ct = ContentType.objects.get_for_model(WorkOrder)
    CB = Callback.Status

    def callback(site, due, status, result="", answered=None):
        return Callback.objects.create(site=site, kind=Callback.Kind.TICKET, subject_type=ct, subject_id=o1.pk,
                                       due_at=due, status=status, result=result, answered_at=answered)

    callback(a, at(10, 5), CB.DONE, Result.SATISFIED, at(10, 4))
    callback(a, at(10, 6), CB.DONE, Result.BASICALLY, at(10, 8))
    callback(a, at(10, 7, 18), CB.DONE, Result.UNSATISFIED, at(10, 7, 10))
    callback(a, at(10, 8), CB.UNREACHABLE, Result.UNREACHABLE)
    callback(a, at(10, 9), CB.OPEN)
    callback(a, at(10, 10), CB.CANCELLED)
    callback(a, at(11, 21), CB.OPEN)
    callback(b, at(10, 5), CB.DONE, Result.UNSATISFIED, at(10, 5))
    return SimpleNamespace(a=site_a, b=site_b, water=water, clean=clean)


def _monthly(site_ids, key):
    start, end = month_range(OCT)
    return registry.get_section(key).monthly(site_ids=site_ids, start=start, end=end)


# SPEC D-02: work orders of the month — 及时率, 返修率, extensions, revenue, by category
def test_work_order_month(world):
    block = _monthly([world.a.site.pk], "tickets")
    expected = {"received": 5, "emergency": 1, "completed": 4, "on_time": 2, "on_time_rate": Decimal("0.5"),
                "reworked": 2, "rework_rate": Decimal("0.5"), "extensions": 1, "extended_orders": 1, "closed": 2,
                "cancelled": 1, "unresolvable": 0, "still_open": 1, "paid_orders": 2,
                "revenue": Decimal("80.50")}
    assert {k: block.value(k) for k in expected} == expected
    by_cat = {row[0]: row[1:] for row in block.table("by_category").rows}
    # received, completed, on time, 及时率, reworked
    assert by_cat["RPT水电"] == [3, 2, 1, Decimal("0.5"), 1]
    assert by_cat["RPT保洁"] == [2, 2, 1, Decimal("0.5"), 1]
    by_zone = {row[0]: row[1] for row in block.table("by_zone").rows}
    assert by_zone[world.a.zone.name] == 3


# SPEC D-01: open / overdue / due today, each linking to its filtered list
def test_work_order_dashboard(world):
    site_ids = [world.a.site.pk]
    block = registry.get_section("tickets").dashboard(site_ids=site_ids, now=NOW)
    assert block.value("open") == 2
    assert block.value("overdue") == 1
    assert block.value("due_today") == 1
    assert block.value("emergency_open") == 1
    overdue = block.figure("overdue")
    assert overdue.url == f"{reverse('tickets:order_list')}?overdue=1&site={world.a.site.pk}"
    cat = block.table("overdue_by_category")
    assert [r for r in cat.rows if r[0] == "RPT水电"] == [["RPT水电", 2, 1]]
    # company view across both sites: B's overdue order counts too
    both = registry.get_section("tickets").dashboard(site_ids=[world.a.site.pk, world.b.site.pk], now=NOW)
    assert both.value("overdue") == 2
    assert "site=" not in both.figure("overdue").url


def test_overdue_link_lists_exactly_the_counted_orders(client, world):
    # SPEC D-01: the number and the list behind it agree
    client.force_login(world.a.users["cs_supervisor"])
    block = registry.get_section("tickets").dashboard(site_ids=[world.a.site.pk], now=NOW)
    import time_machine

    with time_machine.travel(NOW, tick=False):
        resp = client.get(block.figure("overdue").url)
    assert resp.status_code == 200
    assert "RPT-TA-4" in resp.content.decode()
    assert "RPT-TA-7" not in resp.content.decode()


# SPEC C-10: complaint statistics of the month
def test_complaint_month(world):
    block = _monthly([world.a.site.pk], "complaints")
    expected = {"total": 4, "valid": 2, "invalid": 1, "unclassified": 1, "emergency": 1, "major": 1, "closed": 1,
                "open": 2, "on_time": 1, "late": 1, "timely_rate": Decimal("0.5"), "escalated": 1, "praise": 1,
                "households": 3, "valid_per_100": Decimal("66.667"), "escalations": 1, "escalations_acked": 0}
    assert {k: block.value(k) for k in expected} == expected
    by_cat = {row[0]: row[1:] for row in block.table("by_category").rows}
    assert by_cat[str(CCat.ENGINEERING.label)] == [1, 1]
    trend = next(c for c in block.charts if c.key == "trend")
    assert trend.labels[-1] == "2026-10" and trend.labels[0] == "2025-11"
    assert trend.datasets[0]["data"][-2:] == [1, 4]  # September: c6; October: 4 complaints


def test_complaint_dashboard(world):
    block = registry.get_section("complaints").dashboard(site_ids=[world.a.site.pk], now=NOW)
    assert block.value("open") == 2  # c2 (handled, callback due), c4
    assert block.value("overdue") == 1  # c4's clock is past due
    assert block.value("emergency_open") == 1
    assert block.value("escalations_unacked") == 1
    assert "unacked=1" in block.figure("escalations_unacked").url
    assert block.value("valid_year") == 3  # c1, c2, c6


# SPEC C-09 / D-02: callback rate and satisfaction from callbacks
def test_callback_month(world):
    block = _monthly([world.a.site.pk], "callbacks")
    expected = {"due": 5, "called": 4, "callback_rate": Decimal("0.8"), "timely_rate": Decimal("0.4"),
                "satisfied": 1, "basically": 1, "unsatisfied": 1, "unreachable": 1,
                "satisfaction": Decimal("0.6667")}
    assert {k: block.value(k) for k in expected} == expected


def test_callback_dashboard(world):
    block = registry.get_section("callbacks").dashboard(site_ids=[world.a.site.pk], now=NOW)
    assert block.value("queue_open") == 2
    assert block.value("queue_overdue") == 1
    assert block.value("queue_due_today") == 1
    assert "state=overdue" in block.figure("queue_overdue").url


def test_deadline_month(world):
    d = Deadline.objects.get(code="reports.monthly", site=world.a.site)
    Deadline.objects.filter(pk=d.pk).update(state=Deadline.State.BREACHED, breached_at=at(10, 21))
    block = _monthly([world.a.site.pk], "deadlines")
    assert block.value("breached") == 1
    table = block.table("by_code")
    assert table.rows[0][1:] == [1] and "code=reports.monthly" in table.urls[0]
    assert "reports.monthly" not in str(table.rows)  # the rule by its name, not its code (issue 20.1)


def test_report_formats_hold_the_same_numbers(client, world):
    # SPEC D-02: the page, the XLSX and the PDF show the same figures
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = MonthlyReport.objects.create(site=world.a.site, month=OCT)
    report = monthly_report_generate(report_id=report.pk, now=NOW)
    client.force_login(world.a.users["site_director"])
    page = client.get(report.get_absolute_url()).content.decode()
    wb = load_workbook(io.BytesIO(report.xlsx.read()))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.pdf.read())).pages)
    blocks = {b.key: b for b in report_blocks(report)}
    assert set(blocks) >= {"tickets", "complaints", "callbacks", "deadlines"}
    for block in blocks.values():
        assert block.title in text  # section titles in the PDF
        ws = wb[block.title[:28]]
        sheet = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)}
        for fig in block.figures:
            assert Decimal(str(sheet[fig.label])) == Decimal(str(fig.value)), (block.key, fig.key)
            assert f'data-testid="fig-{block.key}-{fig.key}"' in page
    assert "及时率" in text and "返修率" in text
    tickets = blocks["tickets"]
    assert tickets.value("received") == 5 and tickets.value("on_time_rate") == Decimal("0.5")
    assert 'data-value="0.5000"' in page
    assert "¥80.50" in page and "¥80.50" in text


def test_weekly_and_monthly_complaint_statistics_mail(world):
    # SPEC C-10 / D-03: weekly and monthly statistics to the configured distribution list
    import time_machine

    from reports.tasks import scheduled_mailings_task

    DistributionList.objects.create(name="总经办", kind=MailingKind.MONTHLY_COMPLAINTS, site=world.a.site,
                                    emails="gm@example.com\nkf@example.com")
    DistributionList.objects.create(name="周报", kind=MailingKind.WEEKLY_COMPLAINTS, emails="weekly@example.com")
    with time_machine.travel(at(11, 1, 9, 0), tick=False):  # a Sunday: monthly only
        scheduled_mailings_task()
    monthly = [m for m in mail.outbox if "投诉月统计" in m.subject]
    assert len(monthly) == 1 and monthly[0].to == ["gm@example.com", "kf@example.com"]
    assert "2026-10" in monthly[0].subject
    assert "受理投诉数: 4" in monthly[0].body and "有效投诉: 2" in monthly[0].body
    with time_machine.travel(at(10, 12, 8, 30), tick=False):  # Monday: last week (Oct 5–11) for all sites
        scheduled_mailings_task()
    weekly = [m for m in mail.outbox if "投诉周统计" in m.subject]
    assert len(weekly) == 1 and weekly[0].to == ["weekly@example.com"]
    assert "受理投诉数: 2" in weekly[0].body  # c2 (site A, Oct 9) and c7 (site B, Oct 5)
    html = weekly[0].alternatives[0][0]
    assert "<table" in html


def test_daily_digest_content(world):
    # SPEC D-03: overdue, due today, escalations awaiting acknowledgement, yesterday's figures
    import time_machine

    from reports.tasks import scheduled_mailings_task

    with time_machine.travel(at(11, 20, 8, 0), tick=False):
        scheduled_mailings_task()
    digest = next(m for m in mail.outbox if m.to == ["a_cs_supervisor@example.com"])
    assert digest.subject == "【A小区】每日摘要 2026-11-20"
    body = digest.body
    assert "逾期报事单: 1" in body
    assert "今日到期: 1" in body
    assert "待确认的升级: 1" in body
    assert "昨日受理: 0" in body
    html = digest.alternatives[0][0]
    assert "tickets/?overdue=1" in html
    b_digest = next(m for m in mail.outbox if m.to == ["b_cs_supervisor@example.com"])
    assert "逾期报事单: 1" in b_digest.body  # B's own overdue order, not A's
