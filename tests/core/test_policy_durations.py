"""Issue 14.6: policies are the only source of durations. Messages quote the policy's current limit,
the T-15 month-end rule is policy data, policy labels live with the policies (translated)."""

import ast
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from complaints.forms import ComplaintForm
from complaints.models import Escalation, Level, Severity
from complaints.services import complaint_receive
from core.deadlines import deadline_breach_due, deadline_running, policy_limit
from core.models import DeadlinePolicy
from core.policies import POLICY_TABLE
from tests.tickets.helpers import register
from tickets import services as tickets

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # a Wednesday, working time
ROOT = Path(__file__).resolve().parents[2]


def _edit(code: str, **fields) -> None:
    DeadlinePolicy.objects.filter(code=code, site__isnull=True).update(**fields)


def test_policy_limit_in_words_follows_the_policy():
    with translation.override("en"):
        assert policy_limit("complaint.emergency.company") == "5 minutes"
        assert policy_limit("ticket.normal.complete") == "3 working days"
        _edit("complaint.emergency.company", amount=7)
        assert policy_limit("complaint.emergency.company") == "7 minutes"
    with translation.override("zh-hans"):
        assert policy_limit("complaint.emergency.company") == "7 分钟"
        assert policy_limit("ticket.agreement.return") == "月底前 2 天"


# SPEC C-05: the escalation reason quotes the edited limit, not a number written in code
def test_emergency_escalation_quotes_the_edited_policy(site_a, company_staff):
    _edit("complaint.emergency.company", amount=7)
    c = complaint_receive(site=site_a.site, actor=site_a.staff["security_officer"], subject="电梯困人",
                          unit=site_a.units[0], phone="13800000000", severity=Severity.EMERGENCY, now=T0)
    assert deadline_running(c, "complaint.emergency.company").due_at == T0 + timedelta(minutes=7)
    deadline_breach_due(now=T0 + timedelta(minutes=7))
    esc = Escalation.objects.get(complaint=c, level=Level.COMPANY_LEADER)
    assert esc.reason == "管理处负责人 7 分钟内未作决定：系统已自动上报"  # C-05: the system says it escalated


def test_intake_form_help_text_quotes_the_policy(site_a):
    _edit("complaint.emergency.notify", amount=4)
    with translation.override("zh-hans"):
        form = ComplaintForm(user=site_a.users["front_desk"])
        assert "4 分钟" in str(form.fields["severity"].help_text)


# SPEC T-15: "two days before the month end" is the policy's limit; an admin's edit moves it
def test_agreement_return_date_is_policy_data(site_a):
    row = DeadlinePolicy.objects.get(code="ticket.agreement.return", site__isnull=True)
    assert (row.amount, row.unit) == (2, DeadlinePolicy.Unit.BEFORE_MONTH_END)
    order = register(site_a, "paid-repair")
    order = tickets.work_order_agreement_record(order=order, actor=site_a.users["front_desk"], agreement_no="XY-1",
                                                due_at=T0 + timedelta(days=20), now=T0)
    assert deadline_running(order, "ticket.agreement.return").due_at.date().isoformat() == "2026-11-28"
    _edit("ticket.agreement.return", amount=5)
    order = register(site_a, "paid-repair")
    order = tickets.work_order_agreement_record(order=order, actor=site_a.users["front_desk"], agreement_no="XY-2",
                                                due_at=T0 + timedelta(days=20), now=T0)
    assert deadline_running(order, "ticket.agreement.return").due_at.date().isoformat() == "2026-11-25"
    # signed after that day: next month's
    late = datetime(2026, 11, 27, 10, 0, tzinfo=TZ)
    order = register(site_a, "paid-repair")
    order = tickets.work_order_agreement_record(order=order, actor=site_a.users["front_desk"], agreement_no="XY-3",
                                                due_at=late + timedelta(days=20), now=late)
    assert deadline_running(order, "ticket.agreement.return").due_at.date().isoformat() == "2026-12-26"


def test_policy_labels_live_with_the_policies():
    assert not (ROOT / "core" / "policy_names.py").exists()
    source = (ROOT / "core" / "policies.py").read_text(encoding="utf-8")
    marked = {n.args[0].value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)
              and getattr(n.func, "id", "") == "_" and n.args and isinstance(n.args[0], ast.Constant)}
    assert {p.name for p in POLICY_TABLE} <= marked
    with translation.override("zh-hans"):  # a label of the ticket rules, as the engine shows it
        assert translation.gettext(POLICY_TABLE[0].name) == "紧急报事单已派工"


def test_no_duration_written_in_messages():
    # a message that states "within 5 minutes" or "two weeks" would lie once a policy is edited; the
    # policy table itself and the rules' names in model choices are not messages
    pattern = re.compile(r"_\(\s*[\"'][^\"']*(within \d+ (minute|hour|day)|two weeks|\d+ working days)", re.I)
    offenders = []
    for app in ("core", "tickets", "complaints", "callbacks", "keys", "surveys", "reception"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path.name in ("policies.py", "models.py") or path.parent.name == "models":
                continue
            if pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
