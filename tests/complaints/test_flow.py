"""The complaint life cycle through the services, one SPEC rule per test (C-01..C-04, C-06..C-09, C-11, C-12)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from complaints.models import Category, Complaint, Escalation, Level, Reminder, Severity
from complaints.services import (
    complaint_accept,
    complaint_callback_outcome,
    complaint_callback_record,
    complaint_confirm,
    complaint_contact,
    complaint_finish,
    complaint_first_responder_ack,
    complaint_form_return,
    complaint_propose,
    complaint_receive,
    complaint_register,
    complaint_report_handled,
    complaint_take_over,
    escalation_acknowledge,
    inquiry_record,
    reminder_issue,
)
from core.deadlines import deadline_breach_due, deadline_running, deadlines_of
from core.errors import DomainError
from core.models import Deadline, Notification
from estates.models import Department

pytestmark = pytest.mark.django_db
S = Complaint.Status


def notes(user, c, **kw):
    return Notification.objects.filter(recipient=user, subject_id=c.pk, subject_type__model="complaint", **kw)


# SPEC C-01
def test_any_employee_records_and_becomes_first_responder(site_a, make_complaint, t0):
    c = make_complaint(actor_role="security_officer", description="夜里噪音", phone="13900000001")
    assert c.status == S.RECEIVED and c.received_by == site_a.staff["security_officer"]
    fwd = deadline_running(c, "complaint.forward")
    assert fwd.due_at == t0 + timedelta(hours=24)
    assert notes(site_a.users["front_desk"], c).exists()
    # the front desk takes it: forward clock met, C-12 and C-02 clocks start
    complaint_register(complaint=c, actor=site_a.staff["front_desk"], now=t0 + timedelta(hours=1))
    c.refresh_from_db()
    assert c.status == S.REGISTERED
    assert deadlines_of(c).get(code="complaint.forward").state == Deadline.State.MET
    assert deadline_running(c, "complaint.dispatch").due_at == t0 + timedelta(hours=13)
    assert deadline_running(c, "complaint.first_reply").due_at == t0 + timedelta(hours=25)
    # the first-responder is kept informed
    assert notes(site_a.users["security_officer"], c).exists()


# SPEC C-01
def test_forward_clock_breach_notifies_cs_supervisor(site_a, make_complaint, t0):
    c = make_complaint(actor_role="dept_staff")
    deadline_breach_due(now=t0 + timedelta(hours=24, minutes=1))
    assert notes(site_a.users["cs_supervisor"], c, deadline__code="complaint.forward").count() == 1


# SPEC C-01
def test_photos_type_and_size_checked(site_a, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(DomainError) as err:
        complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[pdf])
    assert err.value.code == "photo_type"
    big = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 2000, content_type="image/jpeg")
    with pytest.raises(DomainError) as err:
        complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[big])
    assert err.value.code == "photo_size"
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    ok = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")  # issue 13: a real picture
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="x", address="东门",
                          photos=[ok])
    assert c.photos.count() == 1


# SPEC C-12
def test_first_contact_today_and_first_reply_within_24h(site_a, make_complaint, t0):
    c = make_complaint()
    contact = deadline_running(c, "complaint.first_contact")
    assert contact.due_at.date() == t0.date()  # end of the working day of registration
    complaint_contact(complaint=c, actor=site_a.staff["front_desk"], note="电话联系", now=t0 + timedelta(hours=1))
    assert deadlines_of(c).get(code="complaint.first_contact").state == Deadline.State.MET
    assert deadline_running(c, "complaint.first_reply") is not None
    complaint_contact(complaint=c, actor=site_a.staff["front_desk"], note="答复", reply=True,
                      now=t0 + timedelta(hours=3))
    assert deadlines_of(c).get(code="complaint.first_reply").state == Deadline.State.MET


# SPEC C-12
def test_no_contact_on_the_day_notifies_cs_supervisor(site_a, make_complaint, t0):
    c = make_complaint()
    deadline_breach_due(now=t0 + timedelta(hours=25))
    cs = site_a.users["cs_supervisor"]
    assert notes(cs, c, deadline__code="complaint.first_contact").count() == 1
    assert notes(cs, c, deadline__code="complaint.first_reply").count() == 1


# SPEC C-02
def test_front_desk_proposes_head_confirms(site_a, make_complaint, t0):
    c = make_complaint()
    eng = site_a.depts[Department.Kind.ENGINEERING]
    due = t0 + timedelta(days=2)
    with pytest.raises(DomainError) as err:  # valid needs a department and a deadline
        complaint_propose(complaint=c, actor=site_a.staff["front_desk"], is_valid=True,
                          category=Category.ENGINEERING, now=t0)
    assert err.value.code == "department"
    complaint_propose(complaint=c, actor=site_a.staff["front_desk"], is_valid=True, category=Category.ENGINEERING,
                      department=eng, handling_deadline=due, now=t0 + timedelta(hours=1))
    c.refresh_from_db()
    assert c.status == S.PROPOSED and notes(site_a.users["center_head"], c).exists()
    with pytest.raises(DomainError):  # the front desk cannot confirm its own proposal
        complaint_confirm(complaint=c, actor=site_a.staff["front_desk"], is_valid=True,
                          category=Category.ENGINEERING, department=eng, handling_deadline=due)
    complaint_confirm(complaint=c, actor=site_a.staff["center_head"], is_valid=True, category=Category.ENGINEERING,
                      department=eng, handling_deadline=due, now=t0 + timedelta(hours=2))
    c.refresh_from_db()
    assert c.status == S.DISPATCHED and c.is_valid and c.department == eng
    assert deadlines_of(c).get(code="complaint.dispatch").state == Deadline.State.MET
    assert deadline_running(c, "complaint.handling").due_at == due
    assert deadline_running(c, "complaint.dept.response").due_at == t0 + timedelta(hours=4)
    assert deadline_running(c, "complaint.form.return") is not None
    assert notes(site_a.users["dept_supervisor"], c).exists()
    assert c.level == Level.FRONT_DESK


# SPEC C-02 C-06
def test_unclassified_after_12h_escalates_one_level_exactly_once(site_a, make_complaint, t0):
    c = make_complaint()
    deadline_breach_due(now=t0 + timedelta(hours=12, minutes=1))
    deadline_breach_due(now=t0 + timedelta(hours=13))
    c.refresh_from_db()
    assert c.level == Level.CS_SUPERVISOR
    esc = Escalation.objects.get(complaint=c)
    assert esc.level == Level.CS_SUPERVISOR and esc.deadline_code == "complaint.dispatch"
    assert notes(site_a.users["cs_supervisor"], c, requires_ack=True).count() == 1


# SPEC C-03
def test_invalid_is_explained_and_department_head_takes_over(site_a, make_complaint, t0):
    c = make_complaint()
    with pytest.raises(DomainError) as err:
        complaint_confirm(complaint=c, actor=site_a.staff["center_head"], is_valid=False, category=Category.OTHER,
                          now=t0)
    assert err.value.code == "explanation"
    complaint_confirm(complaint=c, actor=site_a.staff["center_head"], is_valid=False, category=Category.NEIGHBOURS,
                      explanation="属邻里纠纷，已向业主说明", now=t0 + timedelta(hours=1))
    c.refresh_from_db()
    assert c.status == S.INVALID and c.invalid_explanation
    assert deadline_running(c, "complaint.handling") is None
    with pytest.raises(DomainError):  # front desk is not a department head
        complaint_take_over(complaint=c, actor=site_a.staff["front_desk"],
                            department=site_a.depts[Department.Kind.SECURITY],
                            handling_deadline=t0 + timedelta(days=1))
    complaint_take_over(complaint=c, actor=site_a.staff["security_supervisor"],
                        department=site_a.depts[Department.Kind.SECURITY],
                        handling_deadline=t0 + timedelta(days=1), note="业主不认可", now=t0 + timedelta(hours=2))
    c.refresh_from_db()
    assert c.status == S.DISPATCHED and c.taken_over and c.is_valid is False
    assert deadline_running(c, "complaint.handling").due_at == t0 + timedelta(days=1)


# SPEC C-06
def test_major_matter_starts_at_site_director(site_a, dispatched):
    c = dispatched(severity=Severity.MAJOR)
    assert c.level == Level.SITE_DIRECTOR
    esc = Escalation.objects.get(complaint=c)
    assert site_a.users["site_director"] in esc.notified.all()


# SPEC C-06 C-07
def test_missed_handling_deadline_reminds_and_climbs_with_dept_supervisor_told(site_a, dispatched, t0):
    c = dispatched()
    complaint_accept(complaint=c, actor=site_a.staff["dept_supervisor"], now=t0 + timedelta(hours=2))
    for _ in range(2):
        deadline_breach_due(now=t0 + timedelta(days=2, minutes=1))
    c.refresh_from_db()
    assert c.level == Level.CS_SUPERVISOR and c.was_late
    esc = Escalation.objects.get(complaint=c, level=Level.CS_SUPERVISOR)
    notified = set(esc.notified.all())
    assert {site_a.users["cs_supervisor"], site_a.users["dept_supervisor"]} <= notified
    assert Reminder.objects.filter(complaint=c, kind=Reminder.Kind.REMINDER, automatic=True).count() == 1
    # each level must acknowledge; someone else cannot
    with pytest.raises(DomainError):
        escalation_acknowledge(escalation=esc, actor=site_a.users["front_desk"])
    escalation_acknowledge(escalation=esc, actor=site_a.users["cs_supervisor"], now=t0 + timedelta(days=2, hours=1))
    esc.refresh_from_db()
    assert esc.acknowledged_by == site_a.users["cs_supervisor"]
    assert not notes(site_a.users["cs_supervisor"], c, requires_ack=True, acknowledged_at__isnull=True).exists()


# SPEC C-06
def test_escalation_unique_per_level(site_a, dispatched):
    from django.db import IntegrityError, transaction

    c = dispatched()
    Escalation.objects.create(complaint=c, site=c.site, level=1, reason="x", at=c.received_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(complaint=c, site=c.site, level=1, reason="y", at=c.received_at)


# SPEC C-04 C-07
def test_department_must_answer_within_2h_else_reminder_and_escalation(site_a, dispatched, t0):
    c = dispatched()
    deadline_breach_due(now=t0 + timedelta(hours=3, minutes=1))
    c.refresh_from_db()
    assert Reminder.objects.filter(complaint=c, automatic=True, kind="reminder").count() == 1
    assert c.level == Level.CS_SUPERVISOR


# SPEC C-04
def test_will_be_late_answer_needs_reason_and_tells_front_desk(site_a, dispatched, t0):
    c = dispatched()
    with pytest.raises(DomainError):
        complaint_accept(complaint=c, actor=site_a.staff["dept_supervisor"], will_be_late=True)
    complaint_accept(complaint=c, actor=site_a.staff["dept_supervisor"], will_be_late=True, late_reason="等配件",
                     expected_at=t0 + timedelta(days=3), now=t0 + timedelta(hours=2))
    c.refresh_from_db()
    assert c.late_reason == "等配件" and c.was_late
    assert deadlines_of(c).get(code="complaint.dept.response").state == Deadline.State.MET
    assert notes(site_a.users["front_desk"], c, kind="reminder").exists()


# SPEC C-04
def test_feedback_within_2h_of_finishing_and_written_form(site_a, dispatched, t0):
    c = dispatched()
    complaint_finish(complaint=c, actor=site_a.staff["dept_staff"], result="已更换灯泡", now=t0 + timedelta(hours=5))
    assert deadline_running(c, "complaint.dept.feedback").due_at == t0 + timedelta(hours=7)
    deadline_breach_due(now=t0 + timedelta(hours=7, minutes=1))
    assert Reminder.objects.filter(complaint=c, automatic=True).count() == 1
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已更换灯泡",
                             now=t0 + timedelta(hours=8))
    with pytest.raises(DomainError):
        complaint_form_return(complaint=c, actor=site_a.staff["dept_supervisor"], returned=False)
    complaint_form_return(complaint=c, actor=site_a.staff["dept_supervisor"], returned=False,
                          reason="业主拒绝签字", now=t0 + timedelta(hours=9))
    c.refresh_from_db()
    assert c.form_missing_reason == "业主拒绝签字"
    assert deadlines_of(c).get(code="complaint.form.return").state == Deadline.State.MET


# SPEC C-04
def test_form_not_returned_in_3_working_days_is_overdue(site_a, dispatched, t0):
    c = dispatched()
    deadline_breach_due(now=t0 + timedelta(days=7))
    assert deadlines_of(c).get(code="complaint.form.return").state == Deadline.State.BREACHED
    assert c.events.filter(kind="overdue", data__deadline="complaint.form.return").exists()


# SPEC C-04
def test_repair_part_becomes_linked_work_order(site_a, dispatched, t0):
    from complaints.services import complaint_work_order, work_order_of
    from tickets.models import Category as TicketCategory

    if not TicketCategory.objects.filter(department_kind="engineering", is_active=True).exists():
        TicketCategory.objects.create(code="cmp-eng", name="维修", department_kind="engineering")
    c = dispatched()
    order = complaint_work_order(complaint=c, actor=site_a.staff["dept_supervisor"], content="更换楼道灯",
                                 now=t0 + timedelta(hours=2))
    c.refresh_from_db()
    assert c.work_order_id == order.pk and work_order_of(c) == order
    assert order.unit_id == c.unit_id and order.site_id == c.site_id


# SPEC C-08
def test_first_responder_told_within_2h_of_handling(site_a, make_complaint, t0):
    from complaints.services import complaint_register

    c = make_complaint(actor_role="security_officer")
    complaint_register(complaint=c, actor=site_a.staff["front_desk"], now=t0)
    eng = site_a.depts[Department.Kind.ENGINEERING]
    complaint_confirm(complaint=c, actor=site_a.staff["center_head"], is_valid=True, category=Category.ENGINEERING,
                      department=eng, handling_deadline=t0 + timedelta(days=1), now=t0 + timedelta(hours=1))
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="done",
                             now=t0 + timedelta(hours=3))
    guard = site_a.users["security_officer"]
    assert notes(guard, c, kind="reminder").count() == 1
    assert deadline_running(c, "complaint.first_responder").due_at == t0 + timedelta(hours=5)
    # not confirmed within 2 h → alerted again, once
    deadline_breach_due(now=t0 + timedelta(hours=5, minutes=1))
    deadline_breach_due(now=t0 + timedelta(hours=6))
    assert notes(guard, c, kind="alert").count() == 1
    complaint_first_responder_ack(complaint=c, actor=guard, now=t0 + timedelta(hours=6))
    c.refresh_from_db()
    assert c.first_responder_told_at is not None


# SPEC C-09 C-06
def test_unsatisfied_callback_reopens_one_level_up(site_a, dispatched, t0):
    c = dispatched()
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已修",
                             now=t0 + timedelta(hours=5))
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="unsatisfied",
                              number_dialled="13800000000", note="灯又坏了", now=t0 + timedelta(days=1))
    c.refresh_from_db()
    assert c.status == S.DISPATCHED and c.reopen_count == 1
    assert c.level == Level.CS_SUPERVISOR
    esc = Escalation.objects.get(complaint=c)
    assert esc.reason and site_a.users["cs_supervisor"] in esc.notified.all()
    assert deadline_running(c, "complaint.dept.response") is not None
    # handled again, unsatisfied again → one more level
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="再修",
                             now=t0 + timedelta(days=1, hours=3))
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="unsatisfied",
                              number_dialled="13800000000", now=t0 + timedelta(days=2))
    c.refresh_from_db()
    assert c.level == Level.SITE_DIRECTOR and c.reopen_count == 2


# SPEC C-09
def test_satisfied_callback_closes_and_callback_clock_is_two_working_days(site_a, dispatched, t0, record_c13):
    from complaints.services import callback_deadline

    c = dispatched()
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已修",
                             now=t0 + timedelta(hours=5))
    record_c13(c, t0 + timedelta(hours=6))
    assert callback_deadline(c).due_at.date() == (t0 + timedelta(days=2)).date()
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="satisfied",
                              number_dialled="13800000000", now=t0 + timedelta(days=1))
    c.refresh_from_db()
    assert c.status == S.CLOSED and c.closed_at is not None
    assert not Reminder.objects.filter(complaint=c, kind="inquiry").exists()  # not late: no inquiry


# SPEC C-09 C-06
def test_callback_overdue_escalates(site_a, dispatched, t0):
    c = dispatched()
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已修",
                             now=t0 + timedelta(hours=5))
    deadline_breach_due(now=t0 + timedelta(days=6))
    c.refresh_from_db()
    assert Escalation.objects.filter(complaint=c, deadline_code="complaint.callback").count() == 1


# SPEC C-07
def test_late_complaint_gets_an_inquiry_after_closure(site_a, dispatched, t0, record_c13):
    c = dispatched()
    reminder_issue(complaint=c, actor=site_a.staff["front_desk"], text="请尽快处理", now=t0 + timedelta(days=1))
    assert Reminder.objects.filter(complaint=c, kind="reminder", automatic=False).count() == 1
    complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已修",
                             now=t0 + timedelta(days=3))  # after the 2-day deadline
    c.refresh_from_db()
    assert c.was_late
    with pytest.raises(DomainError):  # only after closure
        inquiry_record(complaint=c, actor=site_a.staff["front_desk"], delay_cause="x")
    record_c13(c, t0 + timedelta(days=3, hours=1))
    complaint_callback_outcome(complaint=c, satisfied=True, now=t0 + timedelta(days=4))
    inquiry = Reminder.objects.get(complaint=c, kind="inquiry")
    assert inquiry.delay_cause == ""
    with pytest.raises(DomainError):
        inquiry_record(complaint=c, actor=site_a.staff["front_desk"], delay_cause=" ")
    inquiry_record(complaint=c, actor=site_a.staff["front_desk"], delay_cause="配件缺货", now=t0 + timedelta(days=4))
    inquiry.refresh_from_db()
    assert inquiry.delay_cause == "配件缺货"
    assert Reminder.objects.filter(complaint=c, kind="inquiry").count() == 1


# SPEC C-11
def test_praise_recorded_without_deadline(site_a, make_complaint):
    c = make_complaint(kind=Complaint.Kind.PRAISE, subject="保安拾金不昧")
    assert c.status == S.CLOSED and c.kind == "praise"
    assert not deadlines_of(c).exists()


# SPEC C-01
def test_forward_clock_counts_from_the_time_received(site_a, t0):
    c = complaint_receive(site=site_a.site, actor=site_a.staff["security_officer"], subject="路灯不亮",
                          address="北门", received_at=t0 - timedelta(hours=5), now=t0)
    assert deadline_running(c, "complaint.forward").due_at == t0 + timedelta(hours=19)
