"""C-05 emergency path minute by minute, with a frozen clock (engine sweeps at chosen `now`)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Complaint, ComplaintReport, Escalation, Level, Severity
from complaints.services import (
    callback_deadline,
    complaint_notify_department,
    complaint_receive,
    complaint_report_file,
    complaint_report_handled,
)
from core.deadlines import deadline_breach_due, deadline_running, deadlines_of
from core.models import Deadline, Notification
from estates.models import Department

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # a Wednesday, working time


def _notes(user, c):
    return Notification.objects.filter(recipient=user, subject_id=c.pk, subject_type__model="complaint")


def _emergency(site_a, receiver_role="security_officer"):
    return complaint_receive(site=site_a.site, actor=site_a.staff[receiver_role], subject="电梯困人",
                             description="3号楼2单元电梯困人", unit=site_a.units[0], phone="13800000000",
                             severity=Severity.EMERGENCY, now=T0)


# SPEC C-05 C-06
def test_emergency_timeline_minute_by_minute(site_a, company_staff):
    c = _emergency(site_a)
    leader, executive = company_staff.leader.user, company_staff.executive.user
    director = site_a.users["site_director"]
    assert deadline_running(c, "complaint.emergency.notify").due_at == T0 + timedelta(minutes=3)
    assert deadline_running(c, "complaint.emergency.company").due_at == T0 + timedelta(minutes=5)
    # C-06: an emergency starts at the site director
    assert list(c.escalations.values_list("level", flat=True)) == [Level.SITE_DIRECTOR]

    # t=2 min: nothing due yet
    deadline_breach_due(now=T0 + timedelta(minutes=2))
    assert not _notes(leader, c).exists()
    assert not deadlines_of(c).filter(state=Deadline.State.BREACHED).exists()

    # t=3 min, no department notice → alert to the site head
    deadline_breach_due(now=T0 + timedelta(minutes=3))
    notify = deadlines_of(c).get(code="complaint.emergency.notify")
    assert notify.state == Deadline.State.BREACHED
    head = site_a.users["center_head"]
    assert Notification.objects.filter(recipient=head, deadline=notify, kind="alert").count() == 1
    assert Notification.objects.filter(recipient=director, deadline=notify).count() == 1

    # t=5 min, unresolved → company leader notified exactly once, even with two sweeps
    t5 = T0 + timedelta(minutes=5)
    deadline_breach_due(now=t5)
    deadline_breach_due(now=t5 + timedelta(seconds=30))
    assert _notes(leader, c).count() == 1
    note = _notes(leader, c).get()
    assert note.requires_ack and note.kind == "escalation"
    c.refresh_from_db()
    assert c.level == Level.COMPANY_LEADER and c.company_notified_at == t5
    esc = Escalation.objects.get(complaint=c, level=Level.COMPANY_LEADER)
    assert leader in esc.notified.all() and esc.at == t5 and esc.acknowledged_at is None
    assert esc.deadline_code == "complaint.emergency.company"
    # the written report is due 24 h later; the leader's own 10 minutes start from his notice
    assert deadline_running(c, "complaint.emergency.report24").due_at == t5 + timedelta(hours=24)
    assert deadline_running(c, "complaint.emergency.executive").due_at == t5 + timedelta(minutes=10)
    assert not _notes(executive, c).exists()

    # t=14 min: still within the leader's 10 minutes
    deadline_breach_due(now=T0 + timedelta(minutes=14))
    assert not _notes(executive, c).exists()

    # t=15 min → executive notified exactly once; report due 48 h
    t15 = T0 + timedelta(minutes=15)
    deadline_breach_due(now=t15)
    deadline_breach_due(now=t15 + timedelta(minutes=1))
    assert _notes(executive, c).count() == 1
    # the leader who did not decide is told the system escalated (C-05 "and says so"), once
    assert _notes(leader, c).filter(kind="escalation").count() == 1
    assert _notes(leader, c).filter(kind="alert").count() == 1
    c.refresh_from_db()
    assert c.level == Level.EXECUTIVE and c.executive_notified_at == t15
    assert Escalation.objects.filter(complaint=c).count() == 3
    assert deadline_running(c, "complaint.emergency.report48").due_at == t15 + timedelta(hours=48)

    # reports written in the app stop their clocks and are attached to the complaint
    complaint_report_file(complaint=c, actor=site_a.staff["site_director"], kind=ComplaintReport.Kind.COMPANY,
                          title="电梯困人事件报告", text="经过与处理", now=T0 + timedelta(hours=3))
    complaint_report_file(complaint=c, actor=company_staff.leader, kind=ComplaintReport.Kind.EXECUTIVE,
                          title="上报董事", text="原因与改进", now=T0 + timedelta(hours=5))
    assert deadlines_of(c).get(code="complaint.emergency.report24").state == Deadline.State.MET
    assert deadlines_of(c).get(code="complaint.emergency.report48").state == Deadline.State.MET
    assert c.reports.count() == 2

    # resolved → verification (8 h) and callback (2 wd) clocks
    engineering = site_a.depts[Department.Kind.ENGINEERING]
    complaint_notify_department(complaint=c, actor=site_a.staff["security_officer"], department=engineering,
                                now=T0 + timedelta(minutes=20))
    t_res = T0 + timedelta(minutes=40)
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已解救", now=t_res)
    c.refresh_from_db()
    assert c.status == Complaint.Status.HANDLED and c.resolved_at == t_res
    assert deadline_running(c, "complaint.verify").due_at == t_res + timedelta(hours=8)
    cb = callback_deadline(c)
    assert cb is not None and cb.due_at.date() == datetime(2026, 11, 20).date()  # 2 working days
    assert deadline_running(c, "complaint.emergency.executive") is None


# SPEC C-05
def test_department_notified_in_time_no_alert_and_resolved_in_time_no_company(site_a, company_staff):
    c = _emergency(site_a)
    complaint_notify_department(complaint=c, actor=site_a.staff["security_officer"],
                                department=site_a.depts[Department.Kind.ENGINEERING], now=T0 + timedelta(minutes=2))
    c.refresh_from_db()
    assert c.status == Complaint.Status.DISPATCHED and c.dept_notified_at == T0 + timedelta(minutes=2)
    # the department supervisor is alerted and must acknowledge
    assert Notification.objects.filter(recipient=site_a.users["dept_supervisor"], subject_id=c.pk,
                                       requires_ack=True).exists()
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已处理",
                             now=T0 + timedelta(minutes=4))
    deadline_breach_due(now=T0 + timedelta(minutes=30))
    assert deadlines_of(c).get(code="complaint.emergency.notify").state == Deadline.State.MET
    assert deadlines_of(c).get(code="complaint.emergency.company").state == Deadline.State.MET
    assert not _notes(company_staff.leader.user, c).exists()
    c.refresh_from_db()
    assert c.level == Level.SITE_DIRECTOR


# SPEC C-05 (exactly once under repeated sweeps, X-04)
def test_resolved_between_company_and_executive_stops_executive_clock(site_a, company_staff):
    c = _emergency(site_a)
    deadline_breach_due(now=T0 + timedelta(minutes=6))
    complaint_notify_department(complaint=c, actor=site_a.staff["front_desk"],
                                department=site_a.depts[Department.Kind.ENGINEERING], now=T0 + timedelta(minutes=7))
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="修复",
                             now=T0 + timedelta(minutes=9))
    deadline_breach_due(now=T0 + timedelta(minutes=30))
    assert not _notes(company_staff.executive.user, c).exists()
    assert not Escalation.objects.filter(complaint=c, level=Level.EXECUTIVE).exists()
