"""SPEC CB-06: the monthly quality sampling draws from real closed complaints (the production provider)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from callbacks.models import Callback, SamplingDraw
from callbacks.tasks import sampling_monthly_task
from complaints.models import Category, Complaint, Severity
from complaints.services import (
    complaint_callback_record,
    complaint_cause_record,
    complaint_confirm,
    complaint_propose,
    complaint_receive,
    complaint_reply_record,
    complaint_report_handled,
)
from estates.models import Department

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 4, 10, 0, tzinfo=TZ)  # Wednesday


def _closed_complaint(site, unit, now):
    staff = site.staff
    c = complaint_receive(site=site.site, actor=staff["front_desk"], now=now, subject="楼道灯不亮", unit=unit)
    eng = site.depts[Department.Kind.ENGINEERING]
    kw = {"is_valid": True, "category": Category.ENGINEERING, "severity": Severity.NORMAL, "department": eng,
          "handling_deadline": now + timedelta(days=2)}
    complaint_propose(complaint=c, actor=staff["front_desk"], now=now + timedelta(minutes=30), **kw)
    complaint_confirm(complaint=c, actor=staff["center_head"], now=now + timedelta(hours=1), **kw)
    complaint_report_handled(complaint=c, actor=staff["dept_supervisor"], result="已修", now=now + timedelta(hours=5))
    # SPEC C-13: the cause and the written reply are recorded before a complaint closes
    complaint_cause_record(complaint=c, actor=staff["dept_supervisor"], cause_kind="facility", cause="灯具老化",
                           corrective_action="更换灯具", action_owner=staff["dept_supervisor"],
                           action_due=(now + timedelta(days=7)).date(), now=now + timedelta(hours=6))
    complaint_reply_record(complaint=c, actor=staff["front_desk"], reply_text="已修复", reply_on=now.date(),
                           reply_method="message", now=now + timedelta(hours=6))
    complaint_callback_record(complaint=c, actor=staff["front_desk"], result="satisfied",
                              number_dialled="13800000000", now=now + timedelta(days=1))
    c.refresh_from_db()
    assert c.status == Complaint.Status.CLOSED
    return c


# SPEC CB-06: closed complaints are registered as the sampling source in production code
def test_monthly_sampling_draws_from_closed_complaints(site_a, site_b, time_machine):
    closed = [_closed_complaint(site_a, site_a.units[i % len(site_a.units)], T0 + timedelta(days=i))
              for i in range(12)]
    # still open in November: not a candidate
    complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], now=T0, subject="噪音",
                      unit=site_a.units[0])
    # another site's closed complaint is drawn for that site only
    other = _closed_complaint(site_b, site_b.units[0], T0)

    time_machine.move_to(datetime(2026, 12, 1, 1, 0, tzinfo=TZ), tick=False)
    drawn = sampling_monthly_task()
    draw = SamplingDraw.objects.get(site=site_a.site)
    assert (draw.candidates, draw.drawn) == (12, 2)  # 10% of 12, rounded up
    assert draw.in_person == 1  # at least 30% in person
    sampled = Callback.objects.filter(kind=Callback.Kind.SAMPLING, site=site_a.site)
    assert sampled.count() == 2
    assert {cb.subject_id for cb in sampled} <= {c.pk for c in closed}
    assert sampled.filter(in_person_required=True).count() == 1
    assert SamplingDraw.objects.get(site=site_b.site).candidates == 1
    assert Callback.objects.get(kind=Callback.Kind.SAMPLING, site=site_b.site).subject_id == other.pk
    assert drawn == 3
    # run twice: the same draw, no new callbacks
    assert sampling_monthly_task() == 3
    assert Callback.objects.filter(kind=Callback.Kind.SAMPLING).count() == 3


# SPEC CB-06: a sampled re-visit does not reopen or re-close the complaint
def test_sampled_revisit_leaves_the_complaint_closed(site_a, time_machine):
    c = _closed_complaint(site_a, site_a.units[0], T0)
    time_machine.move_to(datetime(2026, 12, 1, 1, 0, tzinfo=TZ), tick=False)
    sampling_monthly_task()
    assert Callback.objects.filter(kind=Callback.Kind.SAMPLING, subject_id=c.pk).count() == 1
    c.refresh_from_db()
    assert c.status == Complaint.Status.CLOSED
