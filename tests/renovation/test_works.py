"""SPEC R-04..R-09: gate log, patrol clock, violations with measures, changes, extensions, acceptance, refund."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from core.deadlines import deadline_breach_due
from core.errors import DomainError
from core.models import Deadline
from fees.models import DepositMovement, LedgerEntry
from fees.services import deposit_held
from renovation import services as svc
from renovation.models import Change, Renovation, RenovationEvent, Violation
from tests.renovation.conftest import T0, TZ, WORKER2_ID, active, all_pass, later, png, register

pytestmark = pytest.mark.django_db


def test_gate_logs_tools_and_refuses_expired_or_foreign_pass(ns):  # SPEC R-04
    ren = active(ns)
    other = active(ns)  # a second renovation of the same site
    pass_no = ren.workers.get().pass_number
    sec = ns.users["security_officer"]
    with pytest.raises(DomainError, match="属于其他装修") as e:
        svc.gate_enter(renovation=other, pass_number=pass_no, tools="冲击钻", actor=sec, now=later(2))
    assert e.value.code == "foreign_pass"
    with pytest.raises(DomainError) as e:
        svc.gate_enter(renovation=ren, pass_number=pass_no, tools="冲击钻", actor=sec,
                       now=datetime(2027, 1, 4, 9, 0, tzinfo=TZ))
    assert e.value.code == "expired_pass"
    with pytest.raises(DomainError):  # the front desk does not log the gate
        svc.gate_enter(renovation=ren, pass_number=pass_no, tools="大锤", actor=ns.users["front_desk"], now=later(2))
    entry = svc.gate_enter(renovation=ren, pass_number=pass_no.lower(), tools="水钻、大锤", actor=sec, now=later(2))
    assert entry.left_at is None  # under supervision until they leave
    svc.gate_leave(entry=entry, actor=sec, now=later(2, 6))
    entry.refresh_from_db()
    assert entry.left_at == later(2, 6)


def test_patrol_missing_is_overdue_exactly_once(ns):  # SPEC R-09, policy renovation.patrol
    ren = active(ns)  # Monday 10:00, the clock runs to today's closing
    d = Deadline.objects.get(subject_id=ren.pk, code="renovation.patrol", state="running")
    assert d.due_at.astimezone(TZ).date() == date(2026, 11, 23)
    with time_machine.travel(later(0, 9), tick=False):  # 19:00, after closing
        deadline_breach_due()
        deadline_breach_due()
    ren.refresh_from_db()
    assert ren.patrol_overdue_at is not None
    assert RenovationEvent.objects.filter(renovation=ren, kind="patrol_overdue").count() == 1
    nxt = Deadline.objects.get(subject_id=ren.pk, code="renovation.patrol", state="running")
    assert nxt.due_at.astimezone(TZ).date() == date(2026, 11, 24)
    # a patrol the next day clears it and stops the clock
    svc.patrol_record(renovation=ren, checked="水电管线、防火、垃圾清运", team="客服张三、保安李四、工程王五",
                      photos=[png()], actor=ns.users["zone_staff"], now=later(1))
    ren.refresh_from_db()
    assert ren.patrol_overdue_at is None
    assert Deadline.objects.get(subject_id=ren.pk, code="renovation.patrol", state="running").due_at.astimezone(
        TZ).date() == date(2026, 11, 25)


def test_violation_with_deduction_and_follow_up(ns):  # SPEC R-05
    ren = active(ns)
    patrol = svc.patrol_record(renovation=ren, checked="巡查", actor=ns.users["security_officer"], now=later(1))
    with pytest.raises(DomainError, match="金额"):
        svc.violation_record(renovation=ren, patrol=patrol, rule="common_area", description="走廊堆放材料",
                             measure="deduction", actor=ns.users["security_officer"], now=later(1))
    with pytest.raises(DomainError) as e:
        svc.violation_record(renovation=ren, rule="common_area", description="x", measure="deduction",
                             deduction_amount=Decimal("5000"), actor=ns.users["security_officer"], now=later(1))
    assert e.value.code == "more_than_held"
    v = svc.violation_record(renovation=ren, patrol=patrol, rule="common_area", description="走廊堆放材料",
                             measure="deduction", deduction_amount=Decimal("300"), photos=[png()],
                             actor=ns.users["security_officer"], now=later(1))
    assert v.photos.count() == 1
    with pytest.raises(DomainError, match="财务"):
        svc.violation_follow_up(violation=v, note="已清理", closes=True, actor=ns.users["zone_staff"], now=later(2))
    with pytest.raises(DomainError):  # only finance deducts
        svc.violation_deduct(violation=v, actor=ns.users["front_desk"], now=later(2))
    svc.violation_deduct(violation=v, actor=ns.users["finance"], now=later(2))
    assert deposit_held(ren.unit, ren.reference) == Decimal("1700.00")
    svc.violation_follow_up(violation=v, note="已清理,复查合格", closes=True, actor=ns.users["zone_staff"],
                            now=later(2))
    v.refresh_from_db()
    assert v.status == Violation.Status.CLOSED


def test_scope_change_approved_again(ns):  # SPEC R-08
    ren = active(ns)
    with pytest.raises(DomainError):
        svc.change_apply(renovation=ren, kind="scope", reason="加装", new_scope=ren.scope, actor=ns.users["front_desk"])
    ch = svc.change_apply(renovation=ren, kind="scope", reason="增加阳台封窗", new_scope=ren.scope + ";阳台封窗",
                          actor=ns.users["front_desk"], now=later(1))
    assert Deadline.objects.filter(code="renovation.change", subject_id=ch.pk, state="running").exists()
    ren.refresh_from_db()
    assert "阳台" not in ren.scope  # not before approval
    with pytest.raises(DomainError):
        svc.change_decide(change=ch, approve=True, actor=ns.users["front_desk"])
    svc.change_decide(change=ch, approve=True, actor=ns.users["center_head"], now=later(2))
    ren.refresh_from_db()
    assert "阳台封窗" in ren.scope and ren.plan_version == 2


def test_extension_reissues_permit_and_passes_expired_work_is_violation(ns):  # SPEC R-06
    ren = active(ns)
    expiry = datetime(2027, 1, 1, 0, 0, tzinfo=TZ)
    with time_machine.travel(expiry + timedelta(hours=10), tick=False):
        deadline_breach_due()
        ren.refresh_from_db()
        assert ren.permit_expired_at is not None
        svc.patrol_record(renovation=ren, checked="仍在施工", actor=ns.users["zone_staff"])
    v = ren.violations.get()
    assert v.rule == Violation.Rule.EXPIRED_PERMIT and v.measure == Violation.Measure.STOP_ORDER
    with pytest.raises(DomainError, match="须晚于"):
        svc.change_apply(renovation=ren, kind="extension", reason="x", new_end_date=date(2026, 12, 1),
                         actor=ns.users["front_desk"])
    ch = svc.change_apply(renovation=ren, kind="extension", reason="材料延误", new_end_date=date(2027, 1, 20),
                          actor=ns.users["front_desk"], now=expiry + timedelta(days=1))
    svc.change_decide(change=ch, approve=True, actor=ns.users["center_head"], now=expiry + timedelta(days=1))
    ren.refresh_from_db()
    assert ren.end_date == date(2027, 1, 20) and ren.permit_version == 2 and ren.permit_expired_at is None
    assert ren.workers.get().valid_until == date(2027, 1, 20)
    assert Change.objects.get(pk=ch.pk).status == Change.Status.APPROVED


def test_acceptance_deadline_across_national_day(ns):  # SPEC R-07, policy renovation.acceptance
    ren = active(ns)
    Renovation.objects.filter(pk=ren.pk).update(end_date=date(2026, 12, 31))
    done = datetime(2026, 9, 30, 10, 0, tzinfo=TZ)  # the day before the 1–7 October holiday
    svc.completion_declare(renovation=ren, actor=ns.users["front_desk"], now=done)
    d = Deadline.objects.get(subject_id=ren.pk, code="renovation.acceptance", state="running")
    # SPEC W-03: closing of the 7th working day: 8, 9, 10 (Saturday worked in lieu), 12, 13, 14, 15 October
    assert d.due_at.astimezone(TZ) == datetime(2026, 10, 15, 18, 0, tzinfo=TZ)
    with time_machine.travel(datetime(2026, 10, 15, 17, 59, tzinfo=TZ), tick=False):
        assert deadline_breach_due() == 0
    with time_machine.travel(datetime(2026, 10, 15, 18, 1, tzinfo=TZ), tick=False):
        deadline_breach_due()
        deadline_breach_due()
    ren.refresh_from_db()
    assert ren.acceptance_late
    assert ren.violations.filter(rule=Violation.Rule.LATE_ACCEPTANCE).count() == 1


def test_acceptance_reinspection_and_refund_minus_deductions(ns):  # SPEC R-07
    ren = active(ns)
    v = svc.violation_record(renovation=ren, rule="waste", description="垃圾未清运", measure="deduction",
                             deduction_amount=Decimal("200"), actor=ns.users["zone_staff"], now=later(1))
    svc.completion_declare(renovation=ren, actor=ns.users["front_desk"], now=later(3))
    svc.acceptance_apply(renovation=ren, actor=ns.users["front_desk"], now=later(4))
    assert not Deadline.objects.filter(subject_id=ren.pk, code="renovation.acceptance", state="running").exists()
    svc.inspection_record(renovation=ren, results=all_pass({"fire_materials": "吊顶木龙骨未刷防火涂料"}),
                          actor=ns.users["dept_staff"], now=later(5))
    ren.refresh_from_db()
    assert ren.status == Renovation.Status.RECTIFICATION
    svc.violation_record(renovation=ren, rule="moved_in", description="验收前已入住", measure="advice",
                         actor=ns.users["zone_staff"], now=later(6))
    svc.completion_declare(renovation=ren, actor=ns.users["front_desk"], now=later(7))
    svc.acceptance_apply(renovation=ren, actor=ns.users["front_desk"], now=later(7))
    svc.inspection_record(renovation=ren, results=all_pass(), actor=ns.users["dept_staff"], now=later(8))
    ren.refresh_from_db()
    assert ren.status == Renovation.Status.ACCEPTED and ren.inspections.count() == 2
    with pytest.raises(DomainError, match="扣款"):
        svc.renovation_refund(renovation=ren, actor=ns.users["finance"], now=later(8))
    svc.violation_deduct(violation=v, actor=ns.users["finance"], now=later(8))
    with pytest.raises(DomainError) as e:  # issue 17 bad input: refund larger than the deposit
        svc.renovation_refund(renovation=ren, amount="2000.00", actor=ns.users["finance"], now=later(8))
    assert e.value.code == "more_than_held"
    move = svc.renovation_refund(renovation=ren, actor=ns.users["finance"], now=later(9))
    assert move.amount == Decimal("1800.00")
    ren.refresh_from_db()
    assert ren.status == Renovation.Status.CLOSED
    kinds = list(DepositMovement.objects.filter(reference=ren.reference).order_by("at", "id")
                 .values_list("kind", "amount"))
    assert kinds == [("taken", Decimal("2000.00")), ("deducted", Decimal("200.00")), ("refunded", Decimal("1800.00"))]
    assert sum(LedgerEntry.objects.filter(unit=ren.unit, account=LedgerEntry.Account.DEPOSIT)
               .values_list("amount", flat=True)) == 0


def test_register_rejects_bad_dates(ns):  # SPEC R-01
    with pytest.raises(DomainError, match="早于"):
        register(ns, start_date=date(2026, 12, 1), end_date=date(2026, 11, 30))


def test_worker_added_after_permit_gets_a_pass(ns):  # SPEC R-03
    ren = active(ns)
    w = svc.worker_add(renovation=ren, name="赵六", id_number=WORKER2_ID, photo=png(), actor=ns.users["front_desk"])
    assert w.pass_number.endswith("-02") and w.valid_until == ren.end_date
    assert T0
