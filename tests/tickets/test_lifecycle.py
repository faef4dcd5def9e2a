"""SPEC T-06..T-09, T-12, T-13, T-15, T-16, X-01, X-03: the life cycle in services."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.approvals import approval_decide, approval_pending
from core.deadlines import deadline_running
from core.errors import ConflictError, DomainError
from estates.models import Unit
from tests.tickets.helpers import T0, complete, dispatch, evaluate, price, register, to_completed
from tickets import services
from tickets.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the UI default is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield
S = WorkOrder.Status


def accept(s, order, now=None):
    return services.work_order_receipt_accept(order=order, actor=s.users["front_desk"],
                                              now=now or order.completed_at + timedelta(hours=1))


# SPEC T-07: completion entry records times, cause, work, materials and labour incl. preparation
def test_completion_entry(site_a):
    order = to_completed(site_a)
    assert order.status == S.COMPLETED
    assert order.labour_hours == Decimal("1.5") and order.prep_hours == Decimal("0.5")
    assert [(m.name, m.quantity) for m in order.materials.all()] == [("疏通剂", Decimal("1.00"))]
    assert order.arrived_at < order.completed_at


# SPEC T-07: times must make sense
def test_completion_times_checked(site_a):
    order = dispatch(site_a, register(site_a))
    with pytest.raises(DomainError) as err:
        services.work_order_complete(order=order, actor=site_a.users["dept_staff"], arrived_at=T0 + timedelta(hours=3),
                                     finished_at=T0 + timedelta(hours=2), cause="", work_done="x", labour_hours=1,
                                     now=T0 + timedelta(hours=4))
    assert err.value.code == "times"


# SPEC T-07: paid service from the price list; resident told the price before work; supervisor checks,
# CS supervisor approves
def test_paid_service_price_told_check_approve(site_a):
    order = dispatch(site_a, register(site_a))
    with pytest.raises(DomainError) as err:
        complete(site_a, order, charges=[(price(), 2)])
    assert err.value.code == "price_told"
    order = complete(site_a, order, charges=[(price(), 2), ("labour", "人工", 1, "30")], price_told=True)
    assert order.charges_total == Decimal("130.00")
    with pytest.raises(DomainError):  # approve before check
        services.work_order_charges_approve(order=order, actor=site_a.users["cs_supervisor"], now=T0)
    with pytest.raises(DomainError):  # front desk cannot check
        services.work_order_charges_check(order=order, actor=site_a.users["front_desk"], now=T0)
    services.work_order_charges_check(order=order, actor=site_a.users["dept_supervisor"], now=T0)
    with pytest.raises(DomainError):  # the department supervisor cannot approve
        services.work_order_charges_approve(order=order, actor=site_a.users["dept_supervisor"], now=T0)
    order = services.work_order_charges_approve(order=order, actor=site_a.users["cs_supervisor"], now=T0)
    assert order.charges_approved_by == site_a.users["cs_supervisor"]


# SPEC T-08: the front desk refuses an incomplete form with reasons
def test_front_desk_refuses_incomplete_receipt(site_a):
    order = to_completed(site_a)
    problems = services.receipt_problems(order)
    assert any("evaluation" in p for p in problems) and any("signature" in p for p in problems)
    with pytest.raises(DomainError) as err:
        accept(site_a, order)
    assert err.value.code == "incomplete"
    order = evaluate(site_a, order)
    assert services.receipt_problems(order) == []


# SPEC T-08: paid orders need the price confirmation and both approvals before acceptance
def test_receipt_with_unapproved_charges_refused(site_a):
    order = dispatch(site_a, register(site_a))
    order = complete(site_a, order, charges=[(price(), 1)], price_told=True)
    order = evaluate(site_a, order)
    with pytest.raises(DomainError) as err:
        accept(site_a, order)
    assert "approved" in err.value.message or "checked" in err.value.message


# SPEC T-08, CB-01: acceptance → callback due in 1 working day; unsatisfied → rework, satisfied → close
def test_accept_requests_callback_and_outcomes(site_a):
    from callbacks.models import Callback
    from callbacks.services import callback_attempt_record

    order = evaluate(site_a, to_completed(site_a))
    order = accept(site_a, order, now=order.completed_at + timedelta(hours=1))
    assert order.status == S.CALLBACK and order.returned_at
    cb = Callback.objects.get(subject_id=order.pk, kind="ticket")
    assert deadline_running(cb, "ticket.callback") is not None
    callback_attempt_record(callback=cb, actor=site_a.users["zone_staff"], method="phone", result="unsatisfied",
                            number_dialled=order.phone, comment="仍然有异味",
                            now=order.returned_at + timedelta(hours=2))
    order.refresh_from_db()
    assert order.status == S.REWORK and order.rework_count == 1
    assert deadline_running(order, "ticket.urgent.complete") is not None
    # second round: satisfied → closed
    order = evaluate(site_a, complete(site_a, order, now=order.returned_at or T0 + timedelta(days=1, hours=5)))
    order = accept(site_a, order)
    cb2 = Callback.objects.filter(subject_id=order.pk, kind="ticket", status="open").get()
    callback_attempt_record(callback=cb2, actor=site_a.users["zone_staff"], method="phone", result="satisfied",
                            number_dialled=order.phone, now=order.returned_at + timedelta(hours=2))
    order.refresh_from_db()
    assert order.status == S.CLOSED and order.rework_count == 1


# SPEC T-08: an unqualified job goes back for rework, counted
def test_front_desk_sends_rework(site_a):
    order = to_completed(site_a)
    order = services.work_order_rework(order=order, actor=site_a.users["front_desk"], reason="未修好",
                                       now=order.completed_at + timedelta(hours=1))
    assert order.status == S.REWORK and order.rework_count == 1
    assert WorkOrderEvent.objects.filter(order=order, kind="rework").exists()


# SPEC T-06: 退单 signed by the department supervisor (engineering) or the head (order/cleaning), explained
def test_unresolvable_signers(site_a):
    eng = dispatch(site_a, register(site_a, "repair"))
    with pytest.raises(DomainError):
        services.work_order_return_unresolvable(order=eng, actor=site_a.users["center_head"], reason="属业主自有设备",
                                                explanation="已向业主说明", now=T0 + timedelta(hours=1))
    with pytest.raises(DomainError) as err:
        services.work_order_return_unresolvable(order=eng, actor=site_a.users["dept_supervisor"], reason="x",
                                                explanation=" ", now=T0 + timedelta(hours=1))
    assert err.value.code == "explanation"
    eng = services.work_order_return_unresolvable(order=eng, actor=site_a.users["dept_supervisor"],
                                                  reason="属业主自有设备",
                                                  explanation="主管电话向业主说明", now=T0 + timedelta(hours=1))
    assert eng.status == S.UNRESOLVABLE and eng.return_signed_by == site_a.users["dept_supervisor"]
    assert deadline_running(eng, "ticket.normal.complete") is None
    cl = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    with pytest.raises(DomainError):
        services.work_order_return_unresolvable(order=cl, actor=site_a.users["dept_supervisor"], reason="x",
                                                explanation="y", now=T0 + timedelta(hours=1))
    cl = services.work_order_return_unresolvable(order=cl, actor=site_a.users["center_head"], reason="x",
                                                 explanation="y", now=T0 + timedelta(hours=1))
    assert cl.status == S.UNRESOLVABLE


# cancel needs a reason; nothing is deleted
def test_cancel_with_reason(site_a):
    order = register(site_a)
    with pytest.raises(DomainError):
        services.work_order_cancel(order=order, actor=site_a.users["front_desk"], reason="", now=T0)
    order = services.work_order_cancel(order=order, actor=site_a.users["front_desk"], reason="业主自行处理", now=T0)
    assert order.status == S.CANCELLED and WorkOrder.objects.filter(pk=order.pk).exists()
    assert deadline_running(order, "ticket.urgent.complete") is None


# optimistic concurrency: a stale version is refused
def test_stale_version_conflict(site_a):
    order = register(site_a)
    v = order.version
    dispatch(site_a, order, version=v)
    with pytest.raises(ConflictError):
        services.work_order_cancel(order=order, actor=site_a.users["front_desk"], reason="x", now=T0, version=v)


# STYLE §3: illegal steps are refused with a clear message (allowed/forbidden matrix)
@pytest.mark.parametrize("step", ["arrive", "accept", "rework", "developer_done"])
def test_illegal_steps_on_registered_order(site_a, step):
    order = register(site_a)
    u = site_a.users
    calls = {
        "arrive": lambda: services.work_order_arrive(order=order, actor=u["dept_staff"], now=T0),
        "accept": lambda: services.work_order_receipt_accept(order=order, actor=u["front_desk"], now=T0),
        "rework": lambda: services.work_order_rework(order=order, actor=u["front_desk"], reason="x", now=T0),
        "developer_done": lambda: services.work_order_developer_repaired(order=order, actor=u["front_desk"], now=T0),
    }
    with pytest.raises(DomainError) as err:
        calls[step]()
    assert err.value.code == "bad_state"


# SPEC T-09: owner not moved in → joint inspection by CS and an engineer before the receipt is accepted
def test_joint_inspection_before_move_in(site_a):
    unit = site_a.units[1]
    Unit.objects.filter(pk=unit.pk).update(occupancy=Unit.Occupancy.NOT_MOVED_IN)
    order = evaluate(site_a, _completed_on_unit(site_a, 1))
    assert any("T-09" in p for p in services.receipt_problems(order))
    with pytest.raises(DomainError):
        services.work_order_joint_inspection(order=order, actor=site_a.users["front_desk"],
                                             cs_staff=site_a.staff["dept_staff"], engineer=site_a.staff["dept_staff"],
                                             note="x")
    services.work_order_joint_inspection(order=order, actor=site_a.users["front_desk"],
                                         cs_staff=site_a.staff["zone_staff"], engineer=site_a.staff["dept_staff"],
                                         note="代业主验收，合格", now=order.completed_at)
    order.refresh_from_db()
    assert services.receipt_problems(order) == []


def _completed_on_unit(s, i):
    o = register(s, unit=i)
    return complete(s, dispatch(s, o))


# SPEC T-12: special contractors — contractor named, review record kept, closes when the resident signs
def test_special_contractor(site_a):
    from estates.models import Department
    from tests.factories import DepartmentFactory

    DepartmentFactory(site=site_a.site, kind=Department.Kind.CONTRACTOR, name="A特约工程队")
    order = register(site_a, "contractor")
    with pytest.raises(DomainError) as err:
        services.work_order_dispatch(order=order, actor=site_a.users["front_desk"], now=T0)
    assert err.value.code == "contractor"
    order = services.work_order_dispatch(order=order, actor=site_a.users["front_desk"], contractor_name="美家窗帘",
                                         now=T0 + timedelta(minutes=1))
    order = services.work_order_complete(order=order, actor=site_a.users["front_desk"],
                                         arrived_at=T0 + timedelta(hours=1),
                                         finished_at=T0 + timedelta(hours=2), cause="", work_done="安装窗帘",
                                         labour_hours=1, now=T0 + timedelta(hours=3))
    order = evaluate(site_a, order)
    assert any("T-12" in p for p in services.receipt_problems(order))
    services.work_order_contractor_review(order=order, actor=site_a.users["front_desk"], contractor_name="美家窗帘",
                                          review="安装平整，业主认可", now=T0 + timedelta(hours=3))
    order.refresh_from_db()
    assert services.receipt_problems(order) == []


# SPEC T-15: paid work under an agreement: agreement before dispatch; return before month end; unfinished
# needs the head's "within agreement"
def test_agreement_orders(site_a):
    order = register(site_a, "paid-repair")
    with pytest.raises(DomainError) as err:
        dispatch(site_a, order)
    assert err.value.code == "agreement"
    order = services.work_order_agreement_record(order=order, actor=site_a.users["front_desk"], agreement_no="XY-001",
                                                 due_at=T0 + timedelta(days=20), now=T0)
    assert order.due_at == T0 + timedelta(days=20)
    ret = deadline_running(order, "ticket.agreement.return")
    assert ret.due_at.date().isoformat() == "2026-11-28"  # two days before 30 Nov
    order = dispatch(site_a, order)
    # SPEC T-18: the front desk returns it; the head signs "within agreement" in his own login
    services.work_order_agreement_return(order=order, actor=site_a.users["front_desk"], now=T0)
    assert deadline_running(order, "ticket.agreement.return") is not None
    req = approval_pending(order, "ticket.within_agreement")
    approval_decide(request=req, actor=site_a.users["center_head"], approve=True, now=T0)
    assert deadline_running(order, "ticket.agreement.return") is None
    order.refresh_from_db()
    assert order.within_agreement_by == site_a.users["center_head"]


# SPEC T-16: warranty defect routed to the developer with a deadline; closes only after re-inspection
def test_developer_warranty(site_a):
    order = register(site_a, "repair")
    order = services.work_order_route_developer(order=order, actor=site_a.users["center_head"],
                                                due_at=T0 + timedelta(days=30), note="外墙渗水，属保修期", now=T0)
    assert order.status == S.DEVELOPER and deadline_running(order, "ticket.developer.repair")
    order = services.work_order_developer_repaired(order=order, actor=site_a.users["front_desk"],
                                                   now=T0 + timedelta(days=10))
    assert order.status == S.REINSPECTION
    order = services.work_order_reinspect(order=order, actor=site_a.users["front_desk"], passed=False, note="仍渗水",
                                          new_due_at=T0 + timedelta(days=40), now=T0 + timedelta(days=11))
    assert order.status == S.DEVELOPER
    order = services.work_order_developer_repaired(order=order, actor=site_a.users["front_desk"],
                                                   now=T0 + timedelta(days=20))
    order = services.work_order_reinspect(order=order, actor=site_a.users["front_desk"], passed=True, note="已修复",
                                          now=T0 + timedelta(days=21))
    assert order.status == S.CLOSED and order.reinspected_at


# SPEC T-16: in-house repair at the contractor's cost: after a satisfied callback → re-inspection, then close
def test_in_house_warranty_needs_reinspection(site_a):
    order = register(site_a, "repair", is_warranty=True)
    order = evaluate(site_a, complete(site_a, dispatch(site_a, order)))
    order = accept(site_a, order)
    order = services.work_order_callback_outcome(order=order, result="satisfied", now=order.returned_at)
    assert order.status == S.REINSPECTION


# SPEC T-13: month-end settlement per department with totals
def test_settlement_totals(site_a, site_b):
    from tickets.selectors import settlement

    for s in (site_a, site_b):
        o = dispatch(s, register(s))
        complete(s, o, charges=[(price(), 1)], price_told=True)
    o2 = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    services.work_order_complete(order=o2, actor=site_a.users["front_desk"], arrived_at=T0 + timedelta(hours=1),
                                 finished_at=T0 + timedelta(hours=2), cause="", work_done="入户保洁", labour_hours=2,
                                 charges=[(price("入户保洁"), 2)], price_told=True, now=T0 + timedelta(hours=3))
    # issue 16.5: only approved charges are settled; the rest wait apart, with their amount
    data = settlement([site_a.site.pk], 2026, 11)
    assert data["total"] == 0 and data["pending_total"] == Decimal("120.00") and len(data["pending"]) == 2
    WorkOrder.objects.filter(site=site_a.site).update(charges_approved_by=site_a.users["cs_supervisor"])
    data = settlement([site_a.site.pk], 2026, 11)
    assert data["pending"] == [] and data["pending_total"] == 0
    totals = {r["order__department__name"]: r["total"] for r in data["by_department"]}
    assert totals == {"A工程维修": Decimal("50.00"), "A保洁": Decimal("70.00")} or \
        totals == {str(site_a.depts["engineering"]): Decimal("50.00"), str(site_a.depts["cleaning"]): Decimal("70.00")}
    assert data["total"] == Decimal("120.00")
    assert settlement([site_a.site.pk], 2026, 12)["total"] == 0
