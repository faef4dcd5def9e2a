"""C-05/C-06: the emergency chain as decisions, with a frozen clock (sweeps at chosen `now`)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import ChainDecision, Complaint, ComplaintEvent, Escalation, Level, Severity
from complaints.selectors import deadline_rows
from complaints.services import (
    complaint_chain_decide,
    complaint_escalate_by_hand,
    complaint_receive,
    complaint_reclassify,
)
from core.deadlines import deadline_breach_due, deadline_running, deadlines_of
from core.errors import DomainError
from core.models import Deadline, DeadlinePolicy, Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # a Wednesday, working time
D = ChainDecision.Decision


def _emergency(site_a, severity=Severity.EMERGENCY, now=T0):
    return complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="电梯困人",
                             unit=site_a.units[0], phone="13800000000", severity=severity, now=now)


def _company_notes(company_staff, c):
    return Notification.objects.filter(recipient=company_staff.leader.user, subject_id=c.pk,
                                       subject_type__model="complaint")


# SPEC C-05: the site head decides "resolvable on site" at 4 minutes → the chain stops, no company alert
def test_resolvable_on_site_at_four_minutes_no_company_alert(site_a, company_staff):
    c = _emergency(site_a)
    row = complaint_chain_decide(complaint=c, actor=site_a.users["site_director"], decision=D.RESOLVABLE,
                                 now=T0 + timedelta(minutes=4))
    assert row.level == Level.SITE_DIRECTOR and row.by == site_a.users["site_director"]
    assert deadlines_of(c).get(code="complaint.emergency.company").state == Deadline.State.MET
    for minute in (5, 6, 15, 60):
        deadline_breach_due(now=T0 + timedelta(minutes=minute))
    c.refresh_from_db()
    assert c.company_notified_at is None and c.level == Level.SITE_DIRECTOR
    assert not _company_notes(company_staff, c).exists()
    assert not Escalation.objects.filter(complaint=c, level=Level.COMPANY_LEADER).exists()
    # the site keeps its clocks: the 3-minute department notice still breached at 3 minutes
    assert deadlines_of(c).get(code="complaint.emergency.notify").state == Deadline.State.BREACHED
    # a second decision for the same chain is refused
    with pytest.raises(DomainError):
        complaint_chain_decide(complaint=c, actor=site_a.users["center_head"], decision=D.ESCALATE, reason="x",
                               now=T0 + timedelta(minutes=7))


# SPEC C-05: no decision → the system escalates at 5 minutes exactly once, and says so
def test_no_decision_escalates_at_five_minutes_exactly_once(site_a, company_staff):
    c = _emergency(site_a)
    deadline_breach_due(now=T0 + timedelta(minutes=4, seconds=59))
    assert not _company_notes(company_staff, c).exists()
    t5 = T0 + timedelta(minutes=5)
    deadline_breach_due(now=t5)
    deadline_breach_due(now=t5 + timedelta(seconds=30))  # a second sweep changes nothing
    deadline_breach_due(now=t5 + timedelta(minutes=2))
    c.refresh_from_db()
    assert c.company_notified_at == t5 and c.level == Level.COMPANY_LEADER
    assert _company_notes(company_staff, c).filter(kind="escalation").count() == 1
    auto = ChainDecision.objects.get(complaint=c)
    assert (auto.level, auto.decision, auto.by, auto.at) == (Level.SITE_DIRECTOR, D.AUTOMATIC, None, t5)
    # says so: in the history and to the site head who did not decide
    assert ComplaintEvent.objects.filter(complaint=c, kind="decided", data__decision="automatic").count() == 1
    director_alert = Notification.objects.filter(recipient=site_a.users["site_director"], subject_id=c.pk,
                                                 kind="alert", dedupe_key__endswith=":timeout")
    assert director_alert.count() == 1
    # the leader's own clock runs from his notice; the site head can no longer decide
    assert deadline_running(c, "complaint.emergency.executive").due_at == t5 + timedelta(minutes=10)
    with pytest.raises(DomainError):
        complaint_chain_decide(complaint=c, actor=site_a.users["site_director"], decision=D.RESOLVABLE, now=t5)


# SPEC C-05: the company leader likewise decides within 10 minutes of his notice
def test_company_leader_decides_resolvable_and_the_executive_is_not_told(site_a, company_staff):
    c = _emergency(site_a)
    complaint_chain_decide(complaint=c, actor=site_a.users["center_head"], decision=D.ESCALATE,
                           reason="需公司协调开发商", now=T0 + timedelta(minutes=2))
    c.refresh_from_db()
    assert c.company_notified_at == T0 + timedelta(minutes=2)
    # the front desk cannot decide for the leader
    with pytest.raises(DomainError):
        complaint_chain_decide(complaint=c, actor=site_a.users["front_desk"], decision=D.RESOLVABLE,
                               now=T0 + timedelta(minutes=3))
    complaint_chain_decide(complaint=c, actor=company_staff.leader.user, decision=D.RESOLVABLE,
                           now=T0 + timedelta(minutes=8))
    deadline_breach_due(now=T0 + timedelta(minutes=30))
    c.refresh_from_db()
    assert c.executive_notified_at is None and c.level == Level.COMPANY_LEADER
    assert [(d.level, d.decision) for d in c.chain_decisions.all()] == [
        (Level.SITE_DIRECTOR, D.ESCALATE), (Level.COMPANY_LEADER, D.RESOLVABLE)]


# SPEC C-05: reclassified as emergency at 20 minutes → the chain runs from 20 minutes, not from receipt
def test_reclassified_at_twenty_minutes_starts_the_chain_then(site_a, company_staff):
    c = _emergency(site_a, severity=Severity.NORMAL)
    assert deadline_running(c, "complaint.emergency.company") is None
    t20 = T0 + timedelta(minutes=20)
    complaint_reclassify(complaint=c, actor=site_a.users["center_head"], severity=Severity.EMERGENCY,
                         reason="现场发现有人员被困", now=t20)
    c.refresh_from_db()
    assert c.chain_started_at == t20
    assert deadline_running(c, "complaint.emergency.company").due_at == t20 + timedelta(minutes=5)
    assert Escalation.objects.filter(complaint=c, level=Level.SITE_DIRECTOR).exists()
    deadline_breach_due(now=T0 + timedelta(minutes=24))
    assert not _company_notes(company_staff, c).exists()
    deadline_breach_due(now=t20 + timedelta(minutes=5))
    c.refresh_from_db()
    assert c.company_notified_at == t20 + timedelta(minutes=5)
    assert _company_notes(company_staff, c).filter(kind="escalation").count() == 1
    # only the head changes the severity
    with pytest.raises(DomainError):
        complaint_reclassify(complaint=c, actor=site_a.users["front_desk"], severity=Severity.NORMAL, reason="x")


# SPEC C-06: any level may escalate by hand at any time, with a reason
def test_manual_escalation_with_a_reason(site_a, company_staff, make_complaint, t0):
    c = make_complaint()
    with pytest.raises(DomainError):
        complaint_escalate_by_hand(complaint=c, actor=site_a.users["front_desk"], reason=" ", now=t0)
    complaint_escalate_by_hand(complaint=c, actor=site_a.users["front_desk"], reason="住户情绪激动",
                               now=t0 + timedelta(minutes=1))
    c.refresh_from_db()
    esc = Escalation.objects.get(complaint=c)
    assert (c.level, esc.level, esc.reason) == (Level.CS_SUPERVISOR, Level.CS_SUPERVISOR, "住户情绪激动")
    assert site_a.users["cs_supervisor"] in esc.notified.all()
    event = ComplaintEvent.objects.get(complaint=c, kind="escalated")
    assert event.actor == site_a.users["front_desk"] and event.note == "住户情绪激动"
    # an emergency at the site director, escalated by hand before the 5 minutes: the leader's clock starts
    e = _emergency(site_a)
    complaint_escalate_by_hand(complaint=e, actor=site_a.users["cs_supervisor"], reason="业主要求公司领导到场",
                               now=T0 + timedelta(minutes=1))
    e.refresh_from_db()
    assert e.level == Level.COMPANY_LEADER and e.company_notified_at == T0 + timedelta(minutes=1)
    assert deadline_running(e, "complaint.emergency.executive").due_at == T0 + timedelta(minutes=11)
    assert deadline_running(e, "complaint.emergency.company") is None
    assert ChainDecision.objects.get(complaint=e).decision == D.ESCALATE
    deadline_breach_due(now=T0 + timedelta(minutes=6))
    assert _company_notes(company_staff, e).filter(kind="escalation").count() == 1


# SPEC C-05: the durations come from the policy table (an edited row changes the chain)
def test_the_site_heads_minutes_come_from_the_policy(site_a):
    DeadlinePolicy.objects.filter(code="complaint.emergency.company", site__isnull=True).update(amount=8)
    c = _emergency(site_a)
    assert deadline_running(c, "complaint.emergency.company").due_at == T0 + timedelta(minutes=8)


# SPEC C-05 C-06: the deadline rows name the role and person who must act, by when, and the next level
def test_deadline_rows_name_who_acts_and_the_next_level(client, site_a):
    c = _emergency(site_a)
    rows = {r["deadline"].code: r for r in deadline_rows(c)}
    company = rows["complaint.emergency.company"]
    director_name = site_a.staff["site_director"].name
    assert director_name in company["people"] and str(Level.COMPANY_LEADER.label) in str(company["then"])
    client.force_login(site_a.users["site_director"])
    page = client.get(c.get_absolute_url()).content.decode()
    assert director_name in page and 'data-testid="deadline-who"' in page
    assert Complaint.objects.get(pk=c.pk).number.startswith("TS-20261118-")
