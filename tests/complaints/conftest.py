from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Category, Cause, ReplyMethod, Severity
from complaints.services import (
    complaint_cause_record,
    complaint_confirm,
    complaint_propose,
    complaint_receive,
    complaint_reply_record,
)
from estates.models import Department

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # Wednesday, office hours


@pytest.fixture
def t0():
    return T0


@pytest.fixture
def make_complaint(site_a):
    def make(site=site_a, actor_role="front_desk", now=T0, **kw):
        kw.setdefault("subject", "楼道灯不亮")
        kw.setdefault("unit", site.units[0])
        return complaint_receive(site=site.site, actor=site.staff[actor_role], now=now, **kw)
    return make


@pytest.fixture
def dispatched(site_a, make_complaint):
    """A valid normal complaint dispatched to engineering with a deadline of T0 + 2 days."""
    def make(severity=Severity.NORMAL, now=T0, **kw):
        c = make_complaint(now=now, **kw)
        eng = site_a.depts[Department.Kind.ENGINEERING]
        complaint_propose(complaint=c, actor=site_a.staff["front_desk"], is_valid=True,
                          category=Category.ENGINEERING, severity=severity, department=eng,
                          handling_deadline=now + timedelta(days=2), now=now + timedelta(minutes=30))
        return complaint_confirm(complaint=c, actor=site_a.staff["center_head"], is_valid=True,
                                 category=Category.ENGINEERING, severity=severity, department=eng,
                                 handling_deadline=now + timedelta(days=2), now=now + timedelta(hours=1))
    return make


@pytest.fixture
def record_c13(site_a):
    """SPEC C-13: the cause with its corrective action and the written reply, so the complaint may close."""
    def record(c, now, site=site_a):
        complaint_cause_record(complaint=c, actor=site.staff["dept_supervisor"], cause_kind=Cause.WORKMANSHIP,
                               cause="灯具老化", corrective_action="更换整批灯具",
                               action_owner=site.staff["dept_supervisor"], action_due=now.date() + timedelta(days=7),
                               now=now)
        complaint_reply_record(complaint=c, actor=site.staff["front_desk"], reply_text="已更换灯具，特此回复。",
                               reply_on=now.date(), reply_method=ReplyMethod.MESSAGE, now=now)
    return record
