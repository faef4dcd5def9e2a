"""Pages: intake form, list filters, site isolation, detail actions, escalation list, statistics (C-10)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Category, Complaint, Escalation, Level, Severity
from complaints.selectors import complaint_statistics
from complaints.services import complaint_confirm, complaint_receive, complaint_report_handled
from estates.models import Department

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def client_for(client, user):
    client.force_login(user)
    return client


# SPEC C-01
def test_quick_action_on_every_page_and_intake_by_guard(client, site_a):
    c = client_for(client, site_a.users["security_officer"])
    home = c.get("/")
    assert b'data-testid="quick-complaint"' in home.content
    resp = c.post(reverse("complaints:complaint_create"), {
        "kind": "complaint", "received_at": "2026-11-18T09:30", "channel": "visit", "severity": "normal",
        "unit_code": site_a.units[0].code, "complainant_name": site_a.residents[0].name,
        "phone": "13800000000", "subject": "车库积水", "description": "B1 积水"})
    assert resp.status_code == 302
    complaint = Complaint.objects.get(subject="车库积水")
    assert complaint.received_by == site_a.staff["security_officer"]
    assert complaint.unit == site_a.units[0] and complaint.resident == site_a.residents[0]


# SPEC C-01 X-03
def test_intake_errors_keep_what_was_typed(client, site_a):
    c = client_for(client, site_a.users["security_officer"])
    resp = c.post(reverse("complaints:complaint_create"), {
        "kind": "complaint", "received_at": "2026-11-18T09:30", "channel": "visit", "severity": "normal",
        "unit_code": "9-9-9999", "subject": "车库积水"})
    assert resp.status_code == 200
    assert "车库积水" in resp.content.decode()
    assert not Complaint.objects.exists()


def _two_sites(site_a, site_b):
    a = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="A投诉", unit=site_a.units[0])
    b = complaint_receive(site=site_b.site, actor=site_b.staff["front_desk"], subject="B投诉", unit=site_b.units[0])
    return a, b


# SPEC X-02
def test_site_isolation_404_and_company_sees_all(client, site_a, site_b, company_staff):
    a, b = _two_sites(site_a, site_b)
    c = client_for(client, site_a.users["front_desk"])
    assert c.get(reverse("complaints:complaint_detail", args=[b.pk])).status_code == 404
    assert c.get(reverse("complaints:complaint_detail", args=[a.pk])).status_code == 200
    listing = c.get(reverse("complaints:complaint_list")).content.decode()
    # numbers repeat across sites (TS-YYYYMMDD-NNNN per site and day): the subjects tell them apart
    assert a.subject in listing and b.subject not in listing
    assert c.post(reverse("complaints:complaint_action", args=[b.pk, "register"])).status_code == 404
    c2 = client_for(client, company_staff.leader.user)
    listing = c2.get(reverse("complaints:complaint_list")).content.decode()
    assert a.subject in listing and b.subject in listing


def test_list_filters(client, site_a):
    eng = site_a.depts[Department.Kind.ENGINEERING]
    now = datetime.now(TZ)
    x = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="漏水", unit=site_a.units[0])
    complaint_confirm(complaint=x, actor=site_a.staff["center_head"], is_valid=True, category=Category.ENGINEERING,
                      severity=Severity.MAJOR, department=eng, handling_deadline=now + timedelta(days=1))
    y = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="态度差", address="前台")
    c = client_for(client, site_a.users["cs_supervisor"])
    url = reverse("complaints:complaint_list")

    def numbers(**params):
        html = c.get(url, params).content.decode()
        return {n for n in (x.number, y.number) if n in html}

    assert numbers() == {x.number, y.number}
    assert numbers(severity="major") == {x.number}
    assert numbers(category="engineering") == {x.number}
    assert numbers(department=eng.pk) == {x.number}
    assert numbers(zone=site_a.zone.pk) == {x.number}
    assert numbers(valid="1") == {x.number}
    assert numbers(level=str(Level.SITE_DIRECTOR)) == {x.number}
    assert numbers(status="registered") == {y.number}
    assert numbers(q="态度") == {y.number}
    assert numbers(site=site_a.site.pk) == {x.number, y.number}
    assert numbers(overdue="1") == set()


# SPEC C-02
def test_detail_actions_follow_role_and_state(client, site_a):
    x = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="漏水", unit=site_a.units[0])
    front = client_for(client, site_a.users["front_desk"]).get(x.get_absolute_url()).content.decode()
    assert 'data-testid="action-propose"' in front and 'data-testid="action-confirm"' not in front
    head = client_for(client, site_a.users["center_head"]).get(x.get_absolute_url()).content.decode()
    assert 'data-testid="action-confirm"' in head
    # a refused or invalid post re-renders with the error, nothing lost
    resp = client_for(client, site_a.users["front_desk"]).post(
        reverse("complaints:complaint_action", args=[x.pk, "propose"]),
        {"propose-is_valid": "1", "propose-category": "engineering", "propose-severity": "normal"})
    assert resp.status_code == 422
    x.refresh_from_db()
    assert x.status == Complaint.Status.REGISTERED


# SPEC C-06
def test_escalation_list_unacked_and_ack(client, site_a):
    eng = site_a.depts[Department.Kind.ENGINEERING]
    x = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="漏水", unit=site_a.units[0])
    complaint_confirm(complaint=x, actor=site_a.staff["center_head"], is_valid=True, category=Category.ENGINEERING,
                      severity=Severity.MAJOR, department=eng,
                      handling_deadline=datetime.now(TZ) + timedelta(days=1))
    c = client_for(client, site_a.users["site_director"])
    url = reverse("complaints:escalation_list") + "?unacked=1"
    assert x.number in c.get(url).content.decode()
    esc = Escalation.objects.get(complaint=x)
    assert c.post(reverse("complaints:escalation_ack", args=[esc.pk])).status_code == 302
    esc.refresh_from_db()
    assert esc.acknowledged_by == site_a.users["site_director"]
    assert x.number not in c.get(url).content.decode()


@pytest.fixture
def stats_fixture(site_a, site_b):
    """Hand-counted November 2026 at site A (households = 200):
    4 complaints + 1 praise in November, 1 complaint in October (excluded), 1 at site B (excluded).
    valid: 3 (2 engineering, 1 cleaning), invalid: 1 (neighbours), praise: 1; late: 1; major: 1."""
    site = site_a.site
    site.households = 200
    site.save()
    eng, cln = site_a.depts[Department.Kind.ENGINEERING], site_a.depts[Department.Kind.CLEANING]
    fd, head = site_a.staff["front_desk"], site_a.staff["center_head"]
    nov = datetime(2026, 11, 3, 10, 0, tzinfo=TZ)

    def mk(day, **kw):
        t = nov + timedelta(days=day)
        return complaint_receive(site=site, actor=fd, subject=kw.pop("subject", "x"), unit=site_a.units[0], now=t,
                                 received_at=t, **kw), t

    for i, (cat, dept, sev) in enumerate([(Category.ENGINEERING, eng, Severity.NORMAL),
                                          (Category.ENGINEERING, eng, Severity.MAJOR),
                                          (Category.CLEANING, cln, Severity.NORMAL)]):
        c, t = mk(i)
        complaint_confirm(complaint=c, actor=head, is_valid=True, category=cat, severity=sev, department=dept,
                          handling_deadline=t + timedelta(days=1), now=t + timedelta(hours=1))
        if i == 0:  # handled late
            complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="ok",
                                     now=t + timedelta(days=2))
        if i == 2:  # handled on time (the head covers for the cleaning department)
            complaint_report_handled(complaint=c, actor=head, result="ok",
                                     now=t + timedelta(hours=5))
    c, t = mk(5)
    complaint_confirm(complaint=c, actor=head, is_valid=False, category=Category.NEIGHBOURS, explanation="说明",
                      now=t + timedelta(hours=1))
    mk(6, kind=Complaint.Kind.PRAISE)
    complaint_receive(site=site, actor=fd, subject="old", address="x", now=datetime(2026, 10, 20, tzinfo=TZ),
                      received_at=datetime(2026, 10, 20, tzinfo=TZ))
    complaint_receive(site=site_b.site, actor=site_b.staff["front_desk"], subject="b", address="x",
                      now=nov, received_at=nov)
    return site


# SPEC C-10
def test_statistics_against_hand_count(stats_fixture):
    s = complaint_statistics(site_ids=[stats_fixture.pk], start=date(2026, 11, 1), end=date(2026, 12, 1))
    assert (s["total"], s["valid"], s["invalid"], s["praise"], s["unclassified"]) == (4, 3, 1, 1, 0)
    assert {r["key"]: r["count"] for r in s["by_category"]} == {"engineering": 2, "cleaning": 1, "neighbours": 1}
    assert sorted(r["count"] for r in s["by_department"]) == [1, 1, 2]
    assert {r["key"]: r["count"] for r in s["by_severity"]} == {"normal": 3, "major": 1}
    assert {r["key"]: r["count"] for r in s["by_level"]}[Level.SITE_DIRECTOR] == 1
    assert s["late"] == 1 and s["on_time"] == 1 and s["escalated"] == 1
    assert s["households"] == 200
    assert s["valid_rate_per_100"] == Decimal("1.500")  # 3 valid / 200 households × 100
    assert s["valid_rate_annualised"] == Decimal("18.25")  # × 365/30
    assert s["target_met"] is False


# SPEC C-10
def test_statistics_pages_and_xlsx(client, site_a, stats_fixture):
    c = client_for(client, site_a.users["cs_supervisor"])
    resp = c.get(reverse("complaints:statistics"), {"period": "month", "date": "2026-11-10"})
    assert resp.status_code == 200
    assert 'data-testid="stat-total">4<' in resp.content.decode()
    week = c.get(reverse("complaints:statistics"), {"period": "week", "date": "2026-11-04"})
    assert 'data-testid="stat-total">4<' in week.content.decode()  # Nov 3, 4, 5, 8 (week Mon 2 – Sun 8)
    week = c.get(reverse("complaints:statistics"), {"period": "week", "date": "2026-11-10"})
    assert 'data-testid="stat-total">0<' in week.content.decode()  # only the praise of Nov 9
    x = c.get(reverse("complaints:statistics_export"), {"period": "month", "date": "2026-11-10"})
    assert x["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(x.content))
    first = wb.worksheets[0]
    assert first["B2"].value == 4
    assert len(wb.worksheets) == 7  # … and by cause (C-13 → C-10)


# SPEC C-10
def test_monthly_analysis_recorded(client, site_a):
    c = client_for(client, site_a.users["cs_supervisor"])
    resp = c.post(reverse("complaints:analysis_edit"), {"site": site_a.site.pk, "month": "2026-11",
                                                         "causes": "维修不及时", "proposals": "增加夜班"})
    assert resp.status_code == 302
    from complaints.models import MonthlyAnalysis

    row = MonthlyAnalysis.objects.get()
    assert row.month == date(2026, 11, 1)
    from complaints.selectors import analysis_due

    assert analysis_due(row.month) == date(2026, 12, 5)


def test_detail_renders_system_events(client, site_a, dispatched):
    from core.deadlines import deadline_breach_due

    c = dispatched()
    deadline_breach_due(now=c.received_at + timedelta(days=3))  # events without an actor
    resp = client_for(client, site_a.users["cs_supervisor"]).get(c.get_absolute_url())
    assert resp.status_code == 200
    assert 'data-kind="overdue"' in resp.content.decode()
