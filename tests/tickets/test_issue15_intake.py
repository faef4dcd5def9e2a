"""Issue 15 parts 3, 4, 6: work done first and registered afterwards (T-03), move-in cleaning dates and
department-set deadlines (T-04), the capability check by the service-center head (T-17)."""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.deadlines import deadline_breach_due, deadlines_of
from core.errors import DomainError
from core.models import Deadline, DeadlinePolicy, Notification
from core.worktime import TZ
from reports.registry import sections
from tests.tickets.helpers import T0, cat, register
from tickets import services
from tickets.models import CapabilityReferral, WorkOrder, WorkOrderEvent
from tickets.printing import PARTS, TEMPLATE, html_to_pdf, order_context, render_html

pytestmark = pytest.mark.django_db
D = Deadline.State


def _late(s, *, received=T0, dispatched=None, arrived=None, completed=None, now=None, code="em-water", **kw):
    return services.work_order_register_late(
        site=s.site, category=cat(code), content="3号楼管井跑水，已关阀抢修", actor=s.users["front_desk"],
        unit=s.units[0], received_at=received, dispatched_at=dispatched,
        arrived_at=arrived or received + timedelta(minutes=10), completed_at=completed,
        department=s.depts["engineering"], assignee=s.staff["dept_staff"], work_done="更换阀门",
        labour_hours=Decimal("2"), now=now or received + timedelta(hours=5), **kw)


def _clock(order, code):
    return next(d for d in deadlines_of(order) if d.code == code)


# ---------------------------------------------------------------- T-03 worked first, registered afterwards

def test_late_order_keeps_the_real_times_and_is_marked(site_a):  # SPEC T-03
    o = _late(site_a, completed=T0 + timedelta(hours=2))
    assert o.registered_late and o.status == WorkOrder.Status.COMPLETED
    assert (o.received_at, o.dispatched_at, o.arrived_at, o.completed_at) == (
        T0, T0, T0 + timedelta(minutes=10), T0 + timedelta(hours=2))
    assert o.created_at > o.received_at  # registered later than the call
    kinds = list(o.events.values_list("kind", flat=True))
    assert WorkOrderEvent.Kind.REGISTERED_LATE in kinds and WorkOrderEvent.Kind.REGISTERED not in kinds
    # the completion clock ran from the real call (24 h) and was met at the real completion
    done = _clock(o, "ticket.urgent.complete")
    assert done.started_at == T0 and done.due_at == T0 + timedelta(hours=24)
    assert done.state == D.MET and done.stopped_at == T0 + timedelta(hours=2)
    assert _clock(o, "ticket.emergency.dispatch").state == D.MET


def test_late_breaches_are_recorded_without_alarms(site_a):  # SPEC T-03, X-04
    notices = Notification.objects.count()
    o = _late(site_a, dispatched=T0 + timedelta(minutes=8), arrived=T0 + timedelta(minutes=30),
              completed=T0 + timedelta(hours=30), now=T0 + timedelta(hours=31))
    dispatch = _clock(o, "ticket.emergency.dispatch")
    assert dispatch.state == D.BREACHED and dispatch.breached_at == T0 + timedelta(minutes=3)
    done = _clock(o, "ticket.urgent.complete")
    assert done.state == D.BREACHED and done.breached_at == T0 + timedelta(hours=24)
    assert deadline_breach_due(now=T0 + timedelta(hours=31)) == 0  # nothing left for the sweep to alarm about
    assert Notification.objects.count() == notices  # no emergency alert, no dispatch notice for past work
    assert o.due_at < o.completed_at  # counted late in the on-time rate


def test_late_order_still_being_worked_stays_open_from_the_call(site_a):  # SPEC T-03
    o = _late(site_a, code="pipe-leak", now=T0 + timedelta(hours=3))
    assert o.status == WorkOrder.Status.ON_SITE and o.registered_late
    assert o.due_at == T0 + timedelta(hours=24)
    assert _clock(o, "ticket.followup.engineering").state == D.RUNNING


@pytest.mark.parametrize(("field", "kwargs"), [
    ("received_at", {"received": T0 + timedelta(hours=6), "now": T0 + timedelta(hours=5)}),  # in the future
    ("arrived_at", {"arrived": T0 - timedelta(minutes=5)}),  # before the call
    ("dispatched_at", {"dispatched": T0 - timedelta(minutes=1)}),
    ("completed_at", {"arrived": T0 + timedelta(hours=1), "completed": T0 + timedelta(minutes=30)}),
    ("completed_at", {"completed": T0 + timedelta(hours=6)}),  # after "now"
    ("received_at", {"now": T0 + timedelta(days=8)}),  # beyond the policy's window
])
def test_late_times_are_checked(site_a, field, kwargs):  # SPEC T-03, X-03
    with pytest.raises(DomainError) as err:
        _late(site_a, **kwargs)
    assert err.value.code == field
    assert not WorkOrder.objects.exists()


def test_only_the_front_desk_registers_late(site_a, site_b):  # SPEC T-03
    with pytest.raises(DomainError) as err:
        services.work_order_register_late(
            site=site_a.site, category=cat("em-water"), content="跑水", actor=site_a.users["dept_staff"],
            unit=site_a.units[0], received_at=T0, arrived_at=T0, department=site_a.depts["engineering"],
            now=T0 + timedelta(hours=1))
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError):  # another site's front desk
        services.work_order_register_late(
            site=site_a.site, category=cat("em-water"), content="跑水", actor=site_b.users["front_desk"],
            unit=site_a.units[0], received_at=T0, arrived_at=T0, department=site_a.depts["engineering"],
            now=T0 + timedelta(hours=1))


def test_late_registration_through_the_form_list_filter_and_print(site_a, client):  # SPEC T-03
    client.force_login(site_a.users["front_desk"])
    normal = register(site_a, now=T0)
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        r = client.post(reverse("tickets:order_create"), {
            "unit_code": "3-2-1501", "reporter_name": "王建国", "phone": "13800000000", "channel": "phone",
            "category": cat("em-water").pk, "content": "跑水已处理", "late": "on",
            "received_at": "2026-11-18T10:00", "arrived_at": "2026-11-18T10:12", "completed_at": "2026-11-18T12:00",
            "late_department": site_a.depts["engineering"].pk, "work_done": "更换阀门", "labour_hours": "2"})
    assert r.status_code == 302, r.content.decode()[:3000]
    o = WorkOrder.objects.get(registered_late=True)
    assert o.received_at == datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
    page = client.get(o.get_absolute_url()).content.decode()
    assert 'data-testid="late-badge"' in page
    listed = client.get(reverse("tickets:order_list"), {"late": "1"}).content.decode()
    assert o.number in listed and normal.number not in listed
    html = render_html(TEMPLATE, {"items": [order_context(o)], "parts": PARTS})  # the printed form's HTML
    # on each of the three parts (zh-hans by default; the dispatch copy is the stub page printed again)
    pages = PdfReader(io.BytesIO(html_to_pdf(html, lean=True))).pages
    assert len(pages) == 3 and all("先作业后补单" in "".join(page.extract_text().split()) for page in pages)


def test_late_form_errors_stand_next_to_the_field(site_a, client):  # SPEC T-03, X-03
    client.force_login(site_a.users["front_desk"])
    with time_machine.travel(T0, tick=False):
        r = client.post(reverse("tickets:order_create"), {
            "unit_code": "3-2-1501", "channel": "phone", "category": cat("em-water").pk, "content": "跑水",
            "late": "on", "arrived_at": "2026-11-18T09:00"})
    assert r.status_code == 200
    form = r.context["form"]
    assert "received_at" in form.errors and "late_department" in form.errors
    assert form["content"].value() == "跑水"  # nothing typed is lost
    assert not WorkOrder.objects.exists()


# ---------------------------------------------------------------- T-04 move-in cleaning, department-set deadlines

def test_move_in_cleaning_is_due_the_same_day(site_a):  # SPEC T-04
    o = register(site_a, "movein-cleaning", now=T0)
    assert o.due_at == datetime(2026, 11, 18, 18, 0, tzinfo=TZ)


def test_move_in_cleaning_on_the_agreed_date(site_a):  # SPEC T-04
    agreed = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)
    o = register(site_a, "movein-cleaning", now=T0, due_at=agreed)
    assert o.due_at == agreed and _clock(o, "ticket.cleaning.complete").due_at == agreed
    assert o.events.get(kind=WorkOrderEvent.Kind.REGISTERED).data["agreed_due_at"] == agreed.isoformat()


@pytest.mark.parametrize("due", [T0 - timedelta(hours=1), datetime(2026, 11, 24, 10, 0, tzinfo=TZ)])
def test_agreed_cleaning_date_is_bounded(site_a, due):  # SPEC T-04: after the call, within 3 working days
    with pytest.raises(DomainError) as err:
        register(site_a, "movein-cleaning", now=T0, due_at=due)
    assert err.value.code == "due_at"


def test_agreed_date_follows_the_policy_row(site_a):  # SPEC T-04, §15: the bound is data
    DeadlinePolicy.objects.filter(code="ticket.cleaning.agreed", site__isnull=True).update(amount=5)
    o = register(site_a, "movein-cleaning", now=T0, due_at=datetime(2026, 11, 24, 10, 0, tzinfo=TZ))
    assert o.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=TZ)


def test_agreed_date_only_for_move_in_cleaning(site_a):  # SPEC T-04
    with pytest.raises(DomainError):
        register(site_a, "drain", now=T0, due_at=T0 + timedelta(hours=5))


def test_agreed_date_through_the_form(site_a, client):  # SPEC T-04
    client.force_login(site_a.users["front_desk"])
    with time_machine.travel(T0, tick=False):
        r = client.post(reverse("tickets:order_create"), {
            "unit_code": "3-2-1501", "channel": "phone", "category": cat("movein-cleaning").pk, "content": "入住前保洁",
            "agreed_due_at": "2026-11-30T10:00"})  # beyond the bound → next to the field
        assert r.status_code == 200 and "agreed_due_at" in r.context["form"].errors
        r = client.post(reverse("tickets:order_create"), {
            "unit_code": "3-2-1501", "channel": "phone", "category": cat("movein-cleaning").pk, "content": "入住前保洁",
            "agreed_due_at": "2026-11-19T16:00"})
    assert r.status_code == 302
    assert WorkOrder.objects.get().due_at == datetime(2026, 11, 19, 16, 0, tzinfo=TZ)


def test_department_set_deadline_is_typed_and_bounded(site_a):  # SPEC T-04
    o = register(site_a, "internal-equipment", now=T0, unit=None, resident=None, location="水泵房")
    sup = site_a.users["dept_supervisor"]
    with pytest.raises(DomainError):
        services.work_order_dispatch(order=o, actor=sup, now=T0)  # no date
    with pytest.raises(DomainError) as err:
        services.work_order_dispatch(order=o, actor=sup, now=T0, due_at=T0 + timedelta(days=200))
    assert err.value.code == "due_at"
    o = services.work_order_dispatch(order=o, actor=sup, now=T0, due_at=T0 + timedelta(days=10))
    assert o.due_at == T0 + timedelta(days=10)
    assert _clock(o, "ticket.supervisor.complete").due_at == T0 + timedelta(days=10)


# ---------------------------------------------------------------- T-17 capability check

def _refer(s, now=T0, **kw):
    return services.capability_refer(site=s.site, content="业主要求更换整套中央空调主机", actor=s.users["front_desk"],
                                     unit=s.units[0], question="工程部能否承接？", now=now, **kw)


def test_referral_reaches_the_head_with_a_same_day_clock(site_a):  # SPEC T-17
    r = _refer(site_a)
    assert r.status == CapabilityReferral.Status.PENDING
    clock = _clock(r, "ticket.capability")
    assert clock.due_at == datetime(2026, 11, 18, 18, 0, tzinfo=TZ)
    head = site_a.users["center_head"]
    assert Notification.objects.filter(recipient=head, url=r.get_absolute_url()).exists()  # inbox item
    section = next(s for s in sections() if s.key == "tickets_capability")
    fig = next(f for f in section.dashboard(site_ids=[site_a.site.pk], now=T0).figures if f.key == "pending")
    assert fig.value == 1  # dashboard count


def test_head_accepts_and_the_order_exists(site_a):  # SPEC T-17, T-18
    r = _refer(site_a)
    r = services.capability_accept(referral=r, actor=site_a.users["center_head"], category=cat("repair"),
                                   now=T0 + timedelta(hours=1))
    assert r.status == CapabilityReferral.Status.ACCEPTED and r.decided_by == site_a.users["center_head"]
    order = r.order
    assert order.content == r.content and order.unit == site_a.units[0] and order.received_at == T0 + timedelta(hours=1)
    assert order.events.filter(kind=WorkOrderEvent.Kind.REFERRAL_ACCEPTED).exists()
    assert _clock(r, "ticket.capability").state == D.MET


def test_head_declines_with_the_reason_told(site_a):  # SPEC T-17
    r = _refer(site_a)
    head = site_a.users["center_head"]
    with pytest.raises(DomainError):
        services.capability_decline(referral=r, actor=head, reason="超出服务范围", told_resident="")
    r = services.capability_decline(referral=r, actor=head, reason="超出服务范围",
                                    told_resident="电话告知业主，建议联系厂家",
                                    now=T0 + timedelta(hours=2))
    assert r.status == CapabilityReferral.Status.DECLINED and r.order is None
    assert r.decline_reason == "超出服务范围" and r.told_resident
    assert not WorkOrder.objects.exists()
    assert r.history.count() == 2  # referred, declined


@pytest.mark.parametrize("role", ["front_desk", "cs_supervisor", "site_director", "dept_supervisor"])
def test_only_the_head_decides_in_own_login(site_a, site_b, role):  # SPEC T-17, T-18
    r = _refer(site_a)
    for user in (site_a.users[role], site_b.users["center_head"]):
        with pytest.raises(DomainError) as err:
            services.capability_accept(referral=r, actor=user, category=cat("repair"))
        assert err.value.code == "not_allowed"
    assert CapabilityReferral.objects.get().status == CapabilityReferral.Status.PENDING


def test_undecided_referral_notifies_the_cs_supervisor_once(site_a):  # SPEC T-17, §15, X-04
    r = _refer(site_a)
    sup = site_a.users["cs_supervisor"]
    end = datetime(2026, 11, 18, 18, 0, tzinfo=TZ)
    deadline_breach_due(now=end - timedelta(minutes=1))
    assert not Notification.objects.filter(recipient=sup, deadline__isnull=False).exists()
    deadline_breach_due(now=end)
    deadline_breach_due(now=end + timedelta(hours=1))
    assert Notification.objects.filter(recipient=sup, deadline__subject_id=r.pk,
                                       deadline__code="ticket.capability").count() == 1
    assert _clock(r, "ticket.capability").state == D.BREACHED


def test_refer_from_the_registration_form(site_a, client):  # SPEC T-17
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "3-2-1501", "channel": "phone", "content": "更换中央空调主机", "question": "能否承接？",
        "refer": "1"})
    ref = CapabilityReferral.objects.get()
    assert r.status_code == 302 and r.url == ref.get_absolute_url()
    assert ref.question == "能否承接？" and not WorkOrder.objects.exists()
    head = site_a.users["center_head"]
    client.force_login(head)
    assert 'data-testid="action-accept"' in client.get(ref.get_absolute_url()).content.decode()
    page = client.get(reverse("tickets:referral_list")).content.decode()
    assert ref.get_absolute_url() in page
    client.force_login(site_a.users["front_desk"])
    page = client.get(ref.get_absolute_url()).content.decode()
    assert 'data-testid="action-accept"' not in page
    assert "物业服务中心负责人确认能否受理" in page  # the clock's name in Chinese (SPEC X-05)


# ---------------------------------------------------------------- T-17 decided on paper (T-18)

def _scan():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return SimpleUploadedFile("signed.png", buf.getvalue(), content_type="image/png")


def _paper(s, r, *, actor="front_desk", signer="center_head", scan=True, accept=True, **kw):
    return services.capability_record_paper(
        referral=r, actor=s.users[actor], signer=s.users[signer], scan=_scan() if scan else None, accept=accept,
        signed_at=T0 + timedelta(minutes=30), now=T0 + timedelta(hours=1), **kw)


def test_paper_decision_needs_the_scan_and_the_head_as_signer(site_a):  # SPEC T-17, T-18
    r = _refer(site_a)
    with pytest.raises(DomainError) as err:
        _paper(site_a, r, scan=False, category=cat("repair"))
    assert err.value.code == "scan"
    with pytest.raises(DomainError) as err:  # the front desk cannot name someone else as the decider
        _paper(site_a, r, signer="cs_supervisor", category=cat("repair"))
    assert err.value.code == "signer"
    with pytest.raises(DomainError) as err:
        _paper(site_a, r, actor="dept_staff", category=cat("repair"))
    assert err.value.code == "not_allowed"
    assert CapabilityReferral.objects.get().status == CapabilityReferral.Status.PENDING


def test_paper_acceptance_names_signer_and_recorder(site_a):  # SPEC T-17, T-18
    r = _paper(site_a, _refer(site_a), category=cat("repair"))
    assert r.status == CapabilityReferral.Status.ACCEPTED and r.on_paper and r.paper_scan
    assert r.decided_by == site_a.users["center_head"] and r.recorded_by == site_a.users["front_desk"]
    assert r.decided_at == T0 + timedelta(minutes=30) and r.order is not None
    assert r.order.events.get(kind=WorkOrderEvent.Kind.REFERRAL_ACCEPTED).data["on_paper"] is True


def test_paper_decline_keeps_the_reason(site_a, client):  # SPEC T-17, T-18
    r = _paper(site_a, _refer(site_a), accept=False, reason="超出服务范围", told_resident="当面告知业主")
    assert r.status == CapabilityReferral.Status.DECLINED and r.order is None and r.on_paper
    client.force_login(site_a.users["front_desk"])
    page = client.get(r.get_absolute_url()).content.decode()
    assert 'data-testid="on-paper"' in page
    scan = client.get(reverse("tickets:referral_scan", args=[r.pk]))
    assert scan.status_code == 200 and scan["Content-Type"] == "image/png"
