"""SPEC T-18 for the charges check (T-07) and the "within agreement" sign-off (T-15): each is a request the
named role decides in their own login, or that is recorded as signed on paper with the scan."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core import approvals
from core.deadlines import deadline_running
from core.errors import DomainError
from core.models import ApprovalRequest, Notification
from core.roles import Role
from estates.models import Department
from tests.conftest import make_staff
from tests.tickets.helpers import T0, dispatch, price, register, to_completed
from tickets import services
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def _scan():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return SimpleUploadedFile("signed.png", buf.getvalue(), content_type="image/png")


def _paid(s):
    return to_completed(s, "repair", charges=[(price(), 1)], price_told=True)


# SPEC T-07/T-18: entering charges asks the engineering supervisor to check them (inbox item + clock)
def test_charges_entered_ask_the_engineering_supervisor(site_a):
    order = _paid(site_a)
    req = approvals.approval_pending(order, "ticket.charges.check")
    assert req is not None and req.role == Role.DEPT_SUPERVISOR
    assert deadline_running(req, "approval.ticket.charges") is not None
    assert Notification.objects.filter(recipient=site_a.users["dept_supervisor"], url=req.get_absolute_url()).exists()
    # the check is given in the supervisor's own login, then the CS supervisor is asked
    services.work_order_charges_check(order=order, actor=site_a.users["dept_supervisor"], now=T0 + timedelta(hours=5))
    req.refresh_from_db()
    assert req.status == ApprovalRequest.Status.APPROVED and deadline_running(req, "approval.ticket.charges") is None
    second = approvals.approval_pending(order, "ticket.charges.approve")
    assert second is not None and second.role == Role.CS_SUPERVISOR
    approvals.approval_decide(request=second, actor=site_a.users["cs_supervisor"], approve=True,
                              now=T0 + timedelta(hours=6))
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.charges_checked_by == site_a.users["dept_supervisor"]
    assert order.charges_approved_by == site_a.users["cs_supervisor"]


# SPEC T-07: only ENGINEERING supervisors check charges; the front desk never records it for them
@pytest.mark.parametrize("who", ["front_desk", "security_supervisor", "cs_supervisor", "center_head", "cleaning"])
def test_only_engineering_supervisors_check_charges(site_a, who):
    order = _paid(site_a)
    if who == "cleaning":  # a supervisor of another department
        user = make_staff(site_a.site, Role.DEPT_SUPERVISOR, department=site_a.depts[Department.Kind.CLEANING],
                          username="a_cleaning_sup").user
    else:
        user = site_a.users[who]
    req = approvals.approval_pending(order, "ticket.charges.check")
    with pytest.raises(DomainError) as err:
        approvals.approval_decide(request=req, actor=user, approve=True, now=T0 + timedelta(hours=5))
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError):
        services.work_order_charges_check(order=order, actor=user, now=T0 + timedelta(hours=5))
    assert WorkOrder.objects.get(pk=order.pk).charges_checked_by is None


# SPEC T-18: the check signed on the paper receipt: scan required, signer an engineering supervisor,
# recorder named
def test_charges_check_on_paper_needs_scan(site_a):
    order = _paid(site_a)
    req = approvals.approval_pending(order, "ticket.charges.check")
    fd, sup = site_a.users["front_desk"], site_a.users["dept_supervisor"]
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=fd, signer=sup, scan=None, now=T0 + timedelta(hours=5))
    assert err.value.code == "scan"
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["security_supervisor"],
                                        scan=_scan(), now=T0 + timedelta(hours=5))
    assert err.value.code == "signer"
    approvals.approval_record_paper(request=req, actor=fd, signer=sup, scan=_scan(), now=T0 + timedelta(hours=5))
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.charges_checked_by == sup
    ev = order.events.filter(kind="charges_checked").get()
    assert ev.actor == sup and ev.data["on_paper"] and ev.data["recorded_by"] == fd.username


# SPEC T-15/T-18: "within agreement" is the head's, in his own login or on paper with the scan
def test_within_agreement_by_the_head_only(site_a):
    order = register(site_a, "paid-repair")
    order = services.work_order_agreement_record(order=order, actor=site_a.users["front_desk"], agreement_no="XY-9",
                                                 due_at=T0 + timedelta(days=20), now=T0)
    order = dispatch(site_a, order)
    services.work_order_agreement_return(order=order, actor=site_a.users["front_desk"], now=T0)
    req = approvals.approval_pending(order, "ticket.within_agreement")
    assert req.role == Role.CENTER_HEAD and deadline_running(req, "approval.ticket.agreement")
    for who in ("front_desk", "cs_supervisor", "site_director"):
        with pytest.raises(DomainError):
            approvals.approval_decide(request=req, actor=site_a.users[who], approve=True, now=T0)
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=site_a.users["front_desk"],
                                        signer=site_a.users["center_head"], scan=None, now=T0)
    assert err.value.code == "scan"
    approvals.approval_record_paper(request=req, actor=site_a.users["front_desk"], signer=site_a.users["center_head"],
                                    scan=_scan(), now=T0 + timedelta(minutes=1))
    order.refresh_from_db()
    assert order.within_agreement_by == site_a.users["center_head"]
    assert deadline_running(order, "ticket.agreement.return") is None


# SPEC T-18, X-01: a waiting request is withdrawn with a reason, never deleted; a decided one stays
def test_withdraw_keeps_the_request(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    req = services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                     reason="等配件", now=T0)
    with pytest.raises(DomainError):
        approvals.approval_cancel(request=req, actor=site_a.users["front_desk"], reason=" ")
    approvals.approval_cancel(request=req, actor=site_a.users["front_desk"], reason="配件已到", now=T0)
    req.refresh_from_db()
    assert req.status == ApprovalRequest.Status.CANCELLED and deadline_running(req, "approval.ticket.extension") is None
    with pytest.raises(DomainError):
        approvals.approval_decide(request=req, actor=site_a.users["center_head"], approve=True)


# SPEC T-18 pages: the head sees it waiting and decides in his own login; the front desk gets no decision
# form; another site's request is a 404
def test_pages(client, site_a, site_b):
    order = dispatch(site_a, register(site_a, "repair"))
    req = services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                     reason="等配件", now=T0)
    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("core:approval_detail", args=[req.pk])).content.decode()
    assert 'data-testid="approval-decide"' not in page and 'data-testid="approval-paper"' in page
    r = client.post(reverse("core:approval_decide", args=[req.pk]), {"decision": "approve"})
    assert r.status_code == 200 and WorkOrder.objects.get(pk=order.pk).extension_count == 0
    r = client.post(reverse("core:approval_paper", args=[req.pk]),
                    {"signer": site_a.users["center_head"].pk, "signed_at": "2026-11-18T10:30"})
    assert r.status_code == 200 and "等配件" in r.content.decode()  # the form again, the scan missing
    client.force_login(site_b.users["center_head"])
    assert client.get(reverse("core:approval_detail", args=[req.pk])).status_code == 404
    client.force_login(site_a.users["center_head"])
    listing = client.get(reverse("core:approval_list")).content.decode()
    assert f'data-testid="approval-{req.pk}"' in listing
    r = client.post(reverse("core:approval_decide", args=[req.pk]), {"decision": "approve", "note": ""})
    assert r.status_code == 302
    assert WorkOrder.objects.get(pk=order.pk).extension_count == 1


# SPEC T-18, D-01: the dashboard counts the approvals waiting and those past their decision clock
def test_dashboard_counts(site_a, site_b):
    from core.deadlines import deadline_breach_due
    from reports.registry import sections

    order = dispatch(site_a, register(site_a, "repair"))
    req = services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                     reason="等配件", now=T0)
    section = next(s for s in sections() if s.key == "approvals")
    due = deadline_running(req, "approval.ticket.extension").due_at
    block = section.dashboard(site_ids=[site_a.site.pk], now=T0 + timedelta(minutes=1))
    assert {f.key: f.value for f in block.figures} == {"waiting": 1, "overdue": 0}
    deadline_breach_due(now=due)
    block = section.dashboard(site_ids=[site_a.site.pk], now=due)
    assert {f.key: f.value for f in block.figures} == {"waiting": 1, "overdue": 1}
    assert {f.key: f.value for f in section.dashboard(site_ids=[site_b.site.pk], now=due).figures} == {
        "waiting": 0, "overdue": 0}


# SPEC T-18, X-01: a cancelled or completed order withdraws its waiting extension (with the reason, kept)
def test_waiting_extension_withdrawn_when_the_order_ends(site_a):
    from tests.tickets.helpers import complete

    order = dispatch(site_a, register(site_a, "repair"))
    req = services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                     reason="等配件", now=T0 + timedelta(minutes=5))
    complete(site_a, WorkOrder.objects.get(pk=order.pk))
    req.refresh_from_db()
    assert req.status == ApprovalRequest.Status.CANCELLED and req.note == "报事单已完工"
    other = register(site_a, "repair")
    other = dispatch(site_a, other)
    req2 = services.work_order_extend(order=other, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                      reason="等配件", now=T0 + timedelta(minutes=5))
    services.work_order_cancel(order=WorkOrder.objects.get(pk=other.pk), actor=site_a.users["front_desk"],
                               reason="业主已自行处理", now=T0 + timedelta(minutes=10))
    req2.refresh_from_db()
    assert req2.status == ApprovalRequest.Status.CANCELLED
    assert deadline_running(req2, "approval.ticket.extension") is None


# SPEC T-18, X-02: the order page loads its approvals panel; another site's user gets nothing of it
def test_order_approvals_panel(client, site_a, site_b):
    order = dispatch(site_a, register(site_a, "repair"))
    services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                               reason="等配件", now=T0)
    url = reverse("core:approvals_of", args=["tickets.workorder", order.pk])
    client.force_login(site_a.users["front_desk"])
    assert url in client.get(order.get_absolute_url()).content.decode()
    panel = client.get(url).content.decode()
    assert 'data-status="pending"' in panel and "服务中心负责人" in panel
    client.force_login(site_b.users["center_head"])
    assert 'data-status' not in client.get(url).content.decode()
    assert client.get(reverse("core:approvals_of", args=["nosuch.model", 1])).status_code == 404


# SPEC T-09/T-18: the joint inspection names two inspectors; each confirms in their own login (the one
# recording it confirms by recording), nobody confirms for them
def test_joint_inspection_confirmed_by_each_inspector(site_a):
    from estates.models import Unit
    from tests.tickets.helpers import evaluate

    Unit.objects.filter(pk=site_a.units[0].pk).update(occupancy=Unit.Occupancy.NOT_MOVED_IN)
    order = evaluate(site_a, to_completed(site_a, "repair"))
    services.work_order_joint_inspection(order=order, actor=site_a.users["zone_staff"],
                                         cs_staff=site_a.staff["zone_staff"], engineer=site_a.staff["dept_staff"],
                                         note="代业主验收，合格", now=order.completed_at)
    mine = approvals.approvals_of(order).get(kind="ticket.joint_inspection.cs")
    assert mine.status == ApprovalRequest.Status.APPROVED and mine.decided_by == site_a.users["zone_staff"]
    eng = approvals.approval_pending(order, "ticket.joint_inspection.engineer")
    assert deadline_running(eng, "approval.ticket.joint") is not None
    for who in ("front_desk", "zone_staff", "dept_supervisor"):
        with pytest.raises(DomainError):
            approvals.approval_decide(request=eng, actor=site_a.users[who], approve=True)
    assert [r.pk for r in approvals.approvals_waiting_for(site_a.users["dept_staff"])] == [eng.pk]
    approvals.approval_decide(request=eng, actor=site_a.users["dept_staff"], approve=True)
    assert approvals.approval_pending(order, "ticket.joint_inspection.engineer") is None


# SPEC X-02: another site's user cannot decide, record on paper, withdraw or read the scan (404)
def test_other_site_gets_404_for_every_approval_url(client, site_a, site_b):
    order = dispatch(site_a, register(site_a, "repair"))
    req = services.work_order_extend(order=order, actor=site_a.users["front_desk"], new_due_at=T0 + timedelta(days=8),
                                     reason="等配件", now=T0)
    client.force_login(site_b.users["center_head"])
    for name in ("approval_decide", "approval_paper", "approval_cancel"):
        assert client.post(reverse(f"core:{name}", args=[req.pk]), {"decision": "approve", "reason": "x"}).status_code \
            == 404
    assert client.get(reverse("core:approval_scan", args=[req.pk])).status_code == 404
    req.refresh_from_db()
    assert req.status == ApprovalRequest.Status.PENDING
