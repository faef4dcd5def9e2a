"""SPEC E-01, E-02: emergency events with commander, team, timeline and links; the duty list; drills
(at least one each half year, policy drill.plan; never recorded in the future); the supplies register."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline, Notification
from emergencies import services as svc
from emergencies.models import Drill, DrillPeriod, EmergencyEvent
from tickets.models import Category
from tickets.services import work_order_register

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)


def at(*a):
    return datetime(*a, tzinfo=TZ)


def _event(ns, now=T0, **kw):
    return svc.emergency_open(site=ns.site, kind="lift", title="3号楼2单元电梯困人", location="3号楼2单元电梯",
                              started_at=now - timedelta(minutes=2), commander=ns.staff["center_head"],
                              team=[ns.staff["security_officer"], ns.staff["dept_staff"]],
                              actor=ns.users["front_desk"], now=now, **kw)


# SPEC E-01, E-02: logged with the service-center head as commander, the team, a timeline and response time
def test_event_commander_team_timeline(site_a, site_b):
    with pytest.raises(DomainError) as err:  # a CS supervisor does not command
        svc.emergency_open(site=site_a.site, kind="fire", title="x", location="y", started_at=T0,
                           commander=site_a.staff["cs_supervisor"], actor=site_a.users["front_desk"], now=T0)
    assert err.value.code == "commander"
    with pytest.raises(DomainError) as err:  # a team member of another site
        svc.emergency_open(site=site_a.site, kind="fire", title="x", location="y", started_at=T0,
                           commander=site_a.staff["center_head"], team=[site_b.staff["security_officer"]],
                           actor=site_a.users["front_desk"], now=T0)
    assert err.value.code == "team"
    with pytest.raises(DomainError) as err:
        svc.emergency_open(site=site_a.site, kind="fire", title="x", location="y", started_at=T0 + timedelta(hours=1),
                           commander=site_a.staff["center_head"], actor=site_a.users["front_desk"], now=T0)
    assert err.value.code == "started_at"
    ev = _event(site_a)
    assert ev.number == "YJ2026-001" and ev.team.count() == 2
    assert Notification.objects.filter(recipient=site_a.users["center_head"], subject_id=ev.pk).exists()
    officer = site_a.users["security_officer"]
    svc.emergency_timeline_add(event=ev, at=T0 + timedelta(minutes=4), text="保安到场，安抚被困人员", on_scene=True,
                               actor=officer, now=T0 + timedelta(minutes=5))
    svc.emergency_timeline_add(event=ev, at=T0 + timedelta(minutes=15), text="电梯维保到场放人", actor=officer,
                               now=T0 + timedelta(minutes=16))
    with pytest.raises(DomainError) as err:
        svc.emergency_timeline_add(event=ev, at=T0 + timedelta(hours=1), text="未来", actor=officer,
                                   now=T0 + timedelta(minutes=16))
    assert err.value.code == "at"
    ev = EmergencyEvent.objects.get(pk=ev.pk)
    assert ev.response_minutes == 4
    assert [t.text for t in ev.timeline.all()][1:] == ["保安到场，安抚被困人员", "电梯维保到场放人"]
    with pytest.raises(DomainError):  # not the commander
        svc.emergency_close(event=ev, followup="已处理", actor=officer, now=T0 + timedelta(hours=1))
    ev = svc.emergency_close(event=ev, followup="联系维保单位检查门机", actor=site_a.users["center_head"],
                             now=T0 + timedelta(hours=1))
    assert ev.status == EmergencyEvent.Status.CLOSED


# SPEC E-01: an emergency order (T-03) opens an event; the orders and complaints it caused are linked
def test_event_from_emergency_order_and_links(site_a, site_b):
    desk = site_a.users["front_desk"]
    em = work_order_register(site=site_a.site, category=Category.objects.get(code="em-lift"), content="电梯困人",
                             unit=site_a.units[0], actor=desk, now=T0)
    normal = work_order_register(site=site_a.site, category=Category.objects.get(code="repair"), content="门坏",
                                 unit=site_a.units[0], actor=desk, now=T0)
    with pytest.raises(DomainError) as err:
        _event(site_a, order=normal)
    assert err.value.code == "order"
    ev = _event(site_a, order=em)
    assert list(ev.work_orders.all()) == [em]
    svc.emergency_link(event=ev, order_number=normal.number, actor=desk, now=T0)
    assert ev.work_orders.count() == 2
    for _i in range(3):  # site B's third order has a number site A has not used
        other = work_order_register(site=site_b.site, category=Category.objects.get(code="repair"), content="x",
                                    unit=site_b.units[0], actor=site_b.users["front_desk"], now=T0)
    with pytest.raises(DomainError) as err:  # another site's order is not found
        svc.emergency_link(event=ev, order_number=other.number, actor=desk, now=T0)
    assert err.value.code == "order"


# SPEC E-02: drills, one each half year (drill.plan breaches once), never recorded in the future
def test_drills_half_year_clock(site_a, time_machine):
    time_machine.move_to(at(2026, 7, 1, 0, 30), tick=False)
    head = site_a.users["center_head"]
    period = svc.drill_period_ensure(site=site_a.site)
    assert (period.start, period.end) == (date(2026, 7, 1), date(2026, 12, 31))
    assert svc.drill_period_ensure(site=site_a.site) == period  # idempotent
    assert deadline_running(period, "drill.plan").due_at == at(2026, 12, 31, 23, 59, 59)
    drill = svc.drill_plan(site=site_a.site, kind=Drill.Kind.FIRE, planned_on=date(2026, 11, 9), actor=head)
    with pytest.raises(DomainError):  # the front desk does not plan drills
        svc.drill_plan(site=site_a.site, kind="fire", planned_on=date(2026, 11, 9), actor=site_a.users["front_desk"])
    time_machine.move_to(at(2026, 11, 9, 16, 0), tick=False)
    with pytest.raises(DomainError) as err:
        svc.drill_record(drill=drill, held_at=at(2026, 11, 9, 17, 0), participants=[site_a.staff["front_desk"]],
                         findings="疏散顺利", actor=head)
    assert err.value.code == "held_at"
    with pytest.raises(DomainError) as err:
        svc.drill_record(drill=drill, held_at=at(2026, 11, 9, 15, 0), participants=[], findings="x", actor=head)
    assert err.value.code == "participants"
    drill = svc.drill_record(drill=drill, held_at=at(2026, 11, 9, 15, 0), findings="2号楼消防通道堆物",
                             participants=[site_a.staff["front_desk"], site_a.staff["security_officer"]], actor=head)
    assert drill.status == Drill.Status.HELD
    assert Deadline.objects.get(subject_id=period.pk, code="drill.plan").state == Deadline.State.MET
    assert svc.drills_year([site_a.site.pk], 2026) == {"fire": 1, "flood": 0, "other": 0}


def test_drill_missing_breaches_once(site_a, time_machine):
    time_machine.move_to(at(2027, 1, 2, 0, 30), tick=False)
    period = svc.drill_period_ensure(site=site_a.site)
    time_machine.move_to(at(2027, 6, 30, 23, 0), tick=False)
    deadline_breach_due()
    assert not DrillPeriod.objects.get(pk=period.pk).missed
    time_machine.move_to(at(2027, 7, 1, 0, 5), tick=False)
    deadline_breach_due()
    deadline_breach_due()
    assert DrillPeriod.objects.get(pk=period.pk).missed
    dl = Deadline.objects.get(subject_id=period.pk, code="drill.plan")
    assert dl.state == Deadline.State.BREACHED
    assert Notification.objects.filter(deadline=dl, recipient=site_a.users["center_head"]).count() == 1


# SPEC E-02: supplies with quantities, expiry and checks; short or expired on the dashboard list
def test_supplies_register(site_a):
    head, officer = site_a.users["center_head"], site_a.users["security_officer"]
    sand = svc.supply_add(site=site_a.site, name="沙袋", quantity=50, min_quantity=40, unit="袋", actor=head)
    ext = svc.supply_add(site=site_a.site, name="灭火器", quantity=20, min_quantity=20, expires_on=date(2026, 11, 1),
                         actor=head)
    torch = svc.supply_add(site=site_a.site, name="手电筒", quantity=10, min_quantity=5, expires_on=date(2027, 6, 1),
                           actor=head)
    with pytest.raises(DomainError):
        svc.supply_add(site=site_a.site, name="x", quantity=1, min_quantity=1, actor=site_a.users["front_desk"])
    svc.supply_check(item=sand, quantity=30, usable=True, actor=officer, now=T0)
    svc.supply_check(item=torch, quantity=10, usable=True, actor=officer, now=T0)
    with pytest.raises(DomainError) as err:
        svc.supply_check(item=torch, quantity=10, usable=False, actor=officer, now=T0)
    assert err.value.code == "note"
    att = svc.supplies_attention([site_a.site.pk], T0.date())
    assert [i.name for i in att["short"]] == ["沙袋"]
    assert [i.name for i in att["expired"]] == ["灭火器"]
    assert {i.name for i in att["check_due"]} == {"灭火器"}
    assert ext.pk not in {i.pk for i in att["short"]}


# SPEC X-02: another site's emergency is 404; the pages render
def test_pages_and_isolation(client, site_a, site_b):
    ev = _event(site_a)
    client.force_login(site_a.users["center_head"])
    for name in ("emergencies:list", "emergencies:duty", "emergencies:drills", "emergencies:supplies"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("emergencies:detail", args=[ev.pk])).status_code == 200
    resp = client.post(reverse("emergencies:duty"), {"staff": site_a.staff["security_officer"].pk, "duty": "疏散引导"})
    assert resp.status_code == 302
    client.force_login(site_b.users["center_head"])
    assert client.get(reverse("emergencies:detail", args=[ev.pk])).status_code == 404
    assert client.post(reverse("emergencies:step", args=[ev.pk, "close"]), {"followup": "x"}).status_code == 404
    assert site_a.staff["security_officer"].name not in client.get(reverse("emergencies:duty")).content.decode()


# SPEC E-01: the emergency order's page offers to log the event; the form opened from it links the order
def test_event_opened_from_order_page(client, site_a):
    desk = site_a.users["front_desk"]
    em = work_order_register(site=site_a.site, category=Category.objects.get(code="em-fire"), content="楼道冒烟",
                             unit=site_a.units[0], actor=desk)
    client.force_login(desk)
    page = client.get(reverse("tickets:order_detail", args=[em.pk])).content.decode()
    url = reverse("emergencies:new") + f"?order={em.number}"
    assert url in page
    form = client.get(url).content.decode()
    assert em.number in form
    started = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    resp = client.post(url, {"kind": "fire", "title": "楼道冒烟", "location": "3号楼", "started_at": started,
                             "commander": site_a.staff["center_head"].pk, "order_number": em.number})
    assert resp.status_code == 302
    assert list(EmergencyEvent.objects.get().work_orders.all()) == [em]


# SPEC E-01, C-05: the emergency complaint's page offers to log the event
def test_event_link_on_emergency_complaint_page(client, site_a):
    from complaints.models import Severity
    from complaints.services import complaint_receive

    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="燃气泄漏", unit=site_a.units[0],
                          severity=Severity.EMERGENCY)
    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("complaints:complaint_detail", args=[c.pk])).content.decode()
    assert reverse("emergencies:new") + f"?complaint={c.number}" in page


# SPEC E-01, issue 14.1: the event's steps are declared (emergencies/actions.py); the page offers each one to
# whom its predicate allows, and the one URL per step runs it or shows the page again with the refusal
def test_event_steps_through_the_page(client, site_a, time_machine):
    time_machine.move_to(T0, tick=False)
    ev = _event(site_a)
    url = {key: reverse("emergencies:step", args=[ev.pk, key]) for key in ("timeline", "link", "close")}

    def offered(user):
        client.force_login(user)
        html = client.get(ev.get_absolute_url()).content.decode()
        return {key for key, u in url.items() if f'action="{u}"' in html}

    assert offered(site_a.users["front_desk"]) == {"timeline", "link"}
    assert offered(site_a.users["center_head"]) == {"timeline", "link", "close"}  # the commander closes
    assert offered(site_a.users["dept_staff"]) == set()
    client.force_login(site_a.users["security_officer"])
    resp = client.post(url["timeline"], {"at": "2026-11-23T10:00", "text": "保安到场", "on_scene": "on"})
    assert resp.status_code == 302 and resp.url == ev.get_absolute_url()
    assert EmergencyEvent.objects.get(pk=ev.pk).responded_at == T0
    client.force_login(site_a.users["front_desk"])  # not the commander: refused, still open
    resp = client.post(url["close"], {"followup": "电梯维保"})
    assert resp.status_code == 400 and "close" not in offered(site_a.users["front_desk"])
    assert EmergencyEvent.objects.get(pk=ev.pk).status == EmergencyEvent.Status.OPEN
    client.force_login(site_a.users["center_head"])
    resp = client.post(url["close"], {"followup": ""})  # the follow-up is required: the form says so
    assert resp.status_code == 400
    resp = client.post(url["close"], {"followup": "联系电梯维保公司检修"})
    assert resp.status_code == 302
    assert EmergencyEvent.objects.get(pk=ev.pk).status == EmergencyEvent.Status.CLOSED
    assert offered(site_a.users["center_head"]) == set()  # nothing more to do on a closed event
