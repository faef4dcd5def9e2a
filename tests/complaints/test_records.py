"""C-13 cause, action and written reply; C-10 the monthly analysis approved by the director in his own
login; C-16 the monthly responsibility review — records with clocks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Cause, Complaint, MonthlyAnalysis, ReplyMethod, ResponsibilityFinding
from complaints.selectors import complaints_by_cause
from complaints.services import (
    analysis_decide,
    analysis_submit,
    complaint_action_done,
    complaint_action_verify,
    complaint_callback_record,
    complaint_cause_record,
    complaint_reply_record,
    complaint_report_handled,
    month_records_open,
    review_complete,
    review_finding_record,
)
from core.approvals import approval_decide, approval_pending, approval_record_paper, approvals_waiting_for
from core.deadlines import deadline_breach_due, deadline_running, deadlines_of
from core.errors import DomainError
from core.models import Deadline, Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
S = Complaint.Status
M = ResponsibilityFinding.Measure


def _handled(site_a, dispatched, t0):
    c = dispatched()
    return complaint_report_handled(complaint=c, actor=site_a.staff["dept_supervisor"], result="已修",
                                    now=t0 + timedelta(hours=5))


def _cause(site_a, c, now, owner=None):
    return complaint_cause_record(complaint=c, actor=site_a.staff["dept_supervisor"], cause_kind=Cause.FACILITY,
                                  cause="灯具老化", corrective_action="更换整栋楼道灯具",
                                  action_owner=owner or site_a.staff["dept_supervisor"],
                                  action_due=now.date() + timedelta(days=7), now=now)


# SPEC C-13: a satisfied callback closes only once the cause and the written reply are recorded
def test_complaint_closes_only_with_cause_and_written_reply(site_a, dispatched, t0):
    c = _handled(site_a, dispatched, t0)
    assert deadline_running(c, "complaint.cause") is not None  # handled → cause due
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="satisfied",
                              number_dialled="13800000000", now=t0 + timedelta(days=1))
    c.refresh_from_db()
    assert c.status == S.HANDLED and c.callback_satisfied_at == t0 + timedelta(days=1)
    _cause(site_a, c, t0 + timedelta(days=1, hours=1))
    c.refresh_from_db()
    assert c.status == S.HANDLED
    assert deadlines_of(c).get(code="complaint.cause").state == Deadline.State.MET
    with pytest.raises(DomainError):  # a reply dated in the future is refused
        complaint_reply_record(complaint=c, actor=site_a.staff["front_desk"], reply_text="回复",
                               reply_on=date(2026, 12, 31), reply_method=ReplyMethod.POST,
                               now=t0 + timedelta(days=1, hours=2))
    complaint_reply_record(complaint=c, actor=site_a.staff["front_desk"], reply_text="已更换灯具，特此书面回复。",
                           reply_on=(t0 + timedelta(days=1)).date(), reply_method=ReplyMethod.HANDED,
                           now=t0 + timedelta(days=1, hours=2))
    c.refresh_from_db()
    assert c.status == S.CLOSED and c.closed_at == t0 + timedelta(days=1, hours=2)
    assert c.reply_recorded_by == site_a.staff["front_desk"]


# SPEC C-13: the corrective action has an owner, a due date, done and verified by someone else
def test_corrective_action_done_and_verified_by_someone_else(site_a, dispatched, t0):
    c = _handled(site_a, dispatched, t0)
    with pytest.raises(DomainError):
        complaint_cause_record(complaint=c, actor=site_a.staff["dept_supervisor"], cause_kind=Cause.FACILITY,
                               cause=" ", corrective_action="x", action_owner=site_a.staff["dept_supervisor"],
                               action_due=t0.date())
    with pytest.raises(DomainError):  # only the department (or a supervisor) records the cause
        complaint_cause_record(complaint=c, actor=site_a.staff["security_officer"], cause_kind=Cause.FACILITY,
                               cause="x", corrective_action="y", action_owner=site_a.staff["dept_supervisor"],
                               action_due=t0.date())
    _cause(site_a, c, t0 + timedelta(hours=6))
    with pytest.raises(DomainError):
        complaint_action_verify(complaint=c, actor=site_a.staff["cs_supervisor"])  # not done yet
    complaint_action_done(complaint=c, actor=site_a.staff["dept_supervisor"], now=t0 + timedelta(days=2))
    with pytest.raises(DomainError):  # the owner cannot verify his own action
        complaint_action_verify(complaint=c, actor=site_a.staff["dept_supervisor"])
    complaint_action_verify(complaint=c, actor=site_a.staff["cs_supervisor"], now=t0 + timedelta(days=3))
    c.refresh_from_db()
    assert c.action_verified_by == site_a.staff["cs_supervisor"] and c.action_done_at == t0 + timedelta(days=2)
    assert complaints_by_cause(site_ids=[site_a.site.pk], month=t0.date()) == [
        {"key": "facility", "label": str(Cause.FACILITY.label), "count": 1}]


# SPEC C-13: the cause clock reminds the handler when it is missing
def test_missing_cause_reminds_the_department(site_a, dispatched, t0):
    c = _handled(site_a, dispatched, t0)
    due = deadline_running(c, "complaint.cause").due_at
    deadline_breach_due(now=due)
    assert Notification.objects.filter(recipient=site_a.users["dept_supervisor"], subject_id=c.pk,
                                       kind="reminder", deadline__code="complaint.cause").count() == 1


# SPEC C-10: the analysis is approved by the director in his own login; the clock runs to the 5th
def test_monthly_analysis_needs_the_directors_own_approval(site_a, t0):
    analysis, _review = month_records_open(site=site_a.site, month=date(2026, 11, 1))
    clock = deadline_running(analysis, "complaint.analysis")
    assert clock.due_at == datetime(2026, 12, 6, 0, 0, tzinfo=TZ)  # by the end of the 5th
    row = analysis_submit(site=site_a.site, month=date(2026, 11, 1), causes="维修不及时", proposals="增加夜班",
                          actor=site_a.users["cs_supervisor"], now=datetime(2026, 12, 2, 9, tzinfo=TZ))
    assert row.status == MonthlyAnalysis.Status.SUBMITTED
    # T-18: a request in the director's inbox with its clock (core.approvals)
    req = approval_pending(row, "complaint.analysis")
    assert req is not None and req.role == "site_director" and deadline_running(req, "approval.complaint.analysis")
    assert Notification.objects.filter(recipient=site_a.users["site_director"], subject_id=req.pk,
                                       subject_type__model="approvalrequest").exists()
    assert approvals_waiting_for(site_a.users["site_director"]) == [req]
    assert approvals_waiting_for(site_a.users["cs_supervisor"]) == []
    for not_director in ("cs_supervisor", "center_head", "front_desk"):
        with pytest.raises(DomainError):  # nobody approves for the director
            analysis_decide(analysis=row, actor=site_a.users[not_director], approve=True)
    with pytest.raises(DomainError):  # a return needs a note
        analysis_decide(analysis=row, actor=site_a.users["site_director"], approve=False)
    analysis_decide(analysis=row, actor=site_a.users["site_director"], approve=False, note="补充原因分析",
                    now=datetime(2026, 12, 3, 9, tzinfo=TZ))
    row.refresh_from_db()
    assert row.status == MonthlyAnalysis.Status.RETURNED and deadline_running(row, "complaint.analysis")
    analysis_submit(site=site_a.site, month=date(2026, 11, 1), causes="维修不及时；配件短缺", proposals="增加夜班",
                    actor=site_a.users["cs_supervisor"], now=datetime(2026, 12, 4, 9, tzinfo=TZ))
    analysis_decide(analysis=row, actor=site_a.users["site_director"], approve=True,
                    now=datetime(2026, 12, 4, 10, tzinfo=TZ))
    row.refresh_from_db()
    assert row.status == MonthlyAnalysis.Status.APPROVED and row.decided_by == site_a.users["site_director"]
    assert deadlines_of(row).get(code="complaint.analysis").state == Deadline.State.MET


# SPEC C-10: no approval by the 5th → the director is notified
def test_analysis_not_approved_by_the_fifth_notifies_the_director(site_a):
    analysis, _review = month_records_open(site=site_a.site, month=date(2026, 11, 1))
    deadline_breach_due(now=datetime(2026, 12, 6, 0, 0, tzinfo=TZ))
    assert Notification.objects.filter(recipient=site_a.users["site_director"],
                                       deadline__code="complaint.analysis").count() == 1


# SPEC C-16: by the 10th the director reviews last month's closed complaints; the summary goes to the company
def test_responsibility_review_of_last_months_closed_complaints(site_a, dispatched, t0, record_c13, company_staff):
    c = _handled(site_a, dispatched, t0)
    record_c13(c, t0 + timedelta(hours=6))
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="satisfied",
                              number_dialled="13800000000", now=t0 + timedelta(days=1))
    c.refresh_from_db()
    assert c.status == S.CLOSED
    _analysis, review = month_records_open(site=site_a.site, month=date(2026, 11, 1))
    assert deadline_running(review, "complaint.responsibility").due_at == datetime(2026, 12, 11, tzinfo=TZ)
    director = site_a.users["site_director"]
    with pytest.raises(DomainError):  # the summary waits for a finding on every closed complaint
        review_complete(review=review, actor=director, summary="本月无责任事故")
    with pytest.raises(DomainError):  # a measure names the staff member
        review_finding_record(review=review, complaint=c, actor=director, measure=M.WARNING)
    with pytest.raises(DomainError):  # only the director reviews
        review_finding_record(review=review, complaint=c, actor=site_a.users["center_head"], measure=M.NO_FAULT)
    review_finding_record(review=review, complaint=c, actor=director, measure=M.WARNING,
                          staff=site_a.staff["dept_staff"], note="未按时巡查楼道灯")
    review_complete(review=review, actor=director, summary="1 起警告", now=datetime(2026, 12, 8, 9, tzinfo=TZ))
    review.refresh_from_db()
    assert review.completed_by == director
    assert deadlines_of(review).get(code="complaint.responsibility").state == Deadline.State.MET
    assert Notification.objects.filter(recipient=company_staff.leader.user, subject_id=review.pk).count() == 1
    assert c.events.filter(kind="note", data__measure="warning").exists()


# SPEC C-16: a review not done by the 10th notifies the director and the company
def test_review_missed_by_the_tenth_notifies_director_and_company(site_a, company_staff):
    _a, review = month_records_open(site=site_a.site, month=date(2026, 11, 1))
    deadline_breach_due(now=datetime(2026, 12, 11, 0, 0, tzinfo=TZ))
    for user in (site_a.users["site_director"], company_staff.leader.user):
        assert Notification.objects.filter(recipient=user, deadline__code="complaint.responsibility").count() == 1


# SPEC C-10 C-16: on the 1st the job opens last month's records with their clocks, once
def test_month_job_opens_both_records_once(site_a, site_b, time_machine):
    from complaints.models import ResponsibilityReview
    from complaints.tasks import complaint_month_records_task

    time_machine.move_to(datetime(2026, 12, 1, 0, 40, tzinfo=TZ), tick=False)
    assert complaint_month_records_task() == 2
    assert complaint_month_records_task() == 2
    assert MonthlyAnalysis.objects.filter(month=date(2026, 11, 1)).count() == 2
    assert ResponsibilityReview.objects.filter(month=date(2026, 11, 1)).count() == 2
    assert Deadline.objects.filter(code="complaint.responsibility", state=Deadline.State.RUNNING).count() == 2


# SPEC C-10: the approval is given in the director's own login on the analysis page; others see no form
def test_director_approves_on_the_page_in_his_own_login(client, site_a):
    from django.urls import reverse

    row = analysis_submit(site=site_a.site, month=date(2026, 11, 1), causes="维修不及时", proposals="增加夜班",
                          actor=site_a.users["cs_supervisor"])
    url = reverse("complaints:analysis_detail", args=[row.pk])
    client.force_login(site_a.users["cs_supervisor"])
    assert 'data-testid="analysis-decide"' not in client.get(url).content.decode()
    resp = client.post(reverse("complaints:analysis_decide", args=[row.pk]), {"approve": "1"})
    assert resp.status_code == 400
    row.refresh_from_db()
    assert row.status == MonthlyAnalysis.Status.SUBMITTED
    client.force_login(site_a.users["site_director"])
    assert 'data-testid="analysis-decide"' in client.get(url).content.decode()
    resp = client.post(reverse("complaints:analysis_decide", args=[row.pk]), {"approve": "1"})
    assert resp.status_code == 302
    row.refresh_from_db()
    assert row.status == MonthlyAnalysis.Status.APPROVED and row.decided_by == site_a.users["site_director"]
    assert client.get(reverse("complaints:review_list")).status_code == 200


# SPEC C-16: the director records findings and completes the review on its page
def test_review_page_records_a_finding(client, site_a, dispatched, t0, record_c13):
    from django.urls import reverse

    c = _handled(site_a, dispatched, t0)
    record_c13(c, t0 + timedelta(hours=6))
    complaint_callback_record(complaint=c, actor=site_a.staff["front_desk"], result="satisfied",
                              number_dialled="13800000000", now=t0 + timedelta(days=1))
    _a, review = month_records_open(site=site_a.site, month=date(2026, 11, 1))
    client.force_login(site_a.users["site_director"])
    page = client.get(reverse("complaints:review_detail", args=[review.pk])).content.decode()
    assert c.number in page
    resp = client.post(reverse("complaints:review_finding", args=[review.pk]),
                       {f"c{c.pk}-complaint": c.pk, f"c{c.pk}-measure": "warning", f"c{c.pk}-note": "x"})
    assert resp.status_code == 400  # a warning names the staff member; the page shows the error
    resp = client.post(reverse("complaints:review_finding", args=[review.pk]),
                       {f"c{c.pk}-complaint": c.pk, f"c{c.pk}-measure": "no_fault"})
    assert resp.status_code == 302
    resp = client.post(reverse("complaints:review_complete", args=[review.pk]), {"summary": "无责任"})
    assert resp.status_code == 302
    review.refresh_from_db()
    assert review.completed_at is not None


# SPEC C-13 → C-10: the statistics group complaints by their recorded cause
def test_statistics_group_by_cause(site_a, dispatched, t0):
    from complaints.selectors import complaint_statistics

    c = _handled(site_a, dispatched, t0)
    _cause(site_a, c, t0 + timedelta(hours=6))
    dispatched()  # no cause yet
    stats = complaint_statistics(site_ids=[site_a.site.pk], start=t0.date(), end=t0.date() + timedelta(days=1))
    assert sorted((r["key"], r["count"]) for r in stats["by_cause"]) == [("", 1), ("facility", 1)]


# SPEC C-10 T-18: the director's approval given on paper needs the scan; the recorder is named
def test_analysis_approved_on_paper_needs_the_scan(site_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    row = analysis_submit(site=site_a.site, month=date(2026, 11, 1), causes="原因", proposals="建议",
                          actor=site_a.users["cs_supervisor"], now=datetime(2026, 12, 2, 9, tzinfo=TZ))
    req = approval_pending(row, "complaint.analysis")
    with pytest.raises(DomainError):  # the front desk cannot approve for the director
        approval_decide(request=req, actor=site_a.users["front_desk"], approve=True)
    with pytest.raises(DomainError):  # no scan, no paper approval
        approval_record_paper(request=req, actor=site_a.users["cs_supervisor"], signer=site_a.users["site_director"],
                              scan=None)
    pdf = SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    approval_record_paper(request=req, actor=site_a.users["cs_supervisor"], signer=site_a.users["site_director"],
                          scan=pdf, now=datetime(2026, 12, 3, 9, tzinfo=TZ))
    row.refresh_from_db()
    assert row.status == MonthlyAnalysis.Status.APPROVED and row.decided_by == site_a.users["site_director"]
    req.refresh_from_db()
    assert req.on_paper and req.recorded_by == site_a.users["cs_supervisor"]
    assert deadlines_of(row).get(code="complaint.analysis").state == Deadline.State.MET
