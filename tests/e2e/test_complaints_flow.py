"""Browser: a security guard records a complaint → front desk proposes → head confirms → department
handles and records the cause with its corrective action → front desk records the written reply and the
callback, which closes it (SPEC C-01, C-02, C-04, C-09, C-13)."""

import pytest

from complaints.models import Complaint
from estates.models import Department
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def _act(page, key):
    page.click(f'[data-testid="action-{key}"] summary')


# SPEC C-01 C-02 C-04 C-09 C-13
def test_guard_intake_to_callback(page, live_server, site_a):
    _as(page, live_server, "a_security_officer")
    page.click('[data-testid="quick-complaint"]')
    page.fill("#id_unit_code", site_a.units[0].code)
    page.fill("#id_complainant_name", site_a.residents[0].name)
    page.fill("#id_phone", "13800000000")
    page.fill("#id_subject", "地库入口积水")
    page.fill("#id_description", "下雨后地库入口积水严重")
    page.click('[data-testid="complaint-submit"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="received"]')
    c = Complaint.objects.get(subject="地库入口积水")
    assert c.received_by == site_a.staff["security_officer"]
    url = f"{live_server.url}{c.get_absolute_url()}"

    _as(page, live_server, "a_front_desk")
    page.goto(url)
    _act(page, "register")
    page.click('[data-testid="submit-register"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="registered"]')
    _act(page, "propose")
    page.select_option("#id_propose-is_valid", "1")
    page.select_option("#id_propose-category", "engineering")
    eng = site_a.depts[Department.Kind.ENGINEERING]
    page.select_option("#id_propose-department", str(eng.pk))
    page.fill("#id_propose-handling_deadline", "2099-12-30T10:00")
    page.click('[data-testid="submit-propose"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="proposed"]')

    _as(page, live_server, "a_center_head")
    page.goto(url)
    _act(page, "confirm")
    page.click('[data-testid="submit-confirm"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="dispatched"]')

    _as(page, live_server, "a_dept_supervisor")
    page.goto(url)
    _act(page, "handled")
    page.fill("#id_handled-result", "已疏通排水沟")
    page.click('[data-testid="submit-handled"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="handled"]')
    _act(page, "cause")  # C-13
    page.select_option("#id_cause-cause_kind", "facility")
    page.fill("#id_cause-cause", "排水沟被落叶堵塞")
    page.fill("#id_cause-corrective_action", "雨季前每周清理排水沟")
    page.select_option("#id_cause-action_owner", str(site_a.staff["dept_supervisor"].pk))
    page.fill("#id_cause-action_due", "2099-12-31")
    page.click('[data-testid="submit-cause"]')
    page.wait_for_selector('[data-testid="complaint-cause"]')

    _as(page, live_server, "a_front_desk")
    page.goto(url)
    _act(page, "reply")  # C-13: the written reply before closing
    page.fill("#id_reply-reply_text", "您反映的地库入口积水已处理，特此回复。")
    page.select_option("#id_reply-reply_method", "message")
    page.click('[data-testid="submit-reply"]')
    page.wait_for_selector('[data-testid="complaint-reply"]')
    _act(page, "callback")
    page.select_option("#id_callback-result", "satisfied")
    page.click('[data-testid="submit-callback"]')
    page.wait_for_selector('[data-testid="complaint-status"][data-status="closed"]')
    c.refresh_from_db()
    assert c.status == "closed" and c.department == eng
