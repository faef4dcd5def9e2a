"""SPEC CB-08: the CS supervisor's monthly relationship plan, zone staff carry out and record its tasks;
completion per zone on the dashboard and in the monthly report."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks import demo, services
from callbacks.models import RelationshipEvent, RelationshipPlan, RelationshipTask
from core.errors import DomainError
from estates import demo as estates_demo
from estates.models import Zone
from reports import registry

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 15, 10, 0, tzinfo=SH)


@pytest.fixture
def plan(site_a):
    return services.relationship_plan_create(site=site_a.site, month=date(2026, 12, 1),
                                             actor=site_a.users["cs_supervisor"], notes="元旦前问候", now=NOW)


def _task(site, plan, zone=None, kind="greeting", due=date(2026, 12, 31), title="元旦问候"):
    return services.relationship_task_add(plan=plan, zone=zone or site.zone, kind=kind, title=title, due_date=due,
                                          actor=site.users["cs_supervisor"], now=NOW)


# SPEC CB-08: only the CS supervisor (or the heads) plans; one plan per month; tasks inside the month
def test_plan_made_by_the_cs_supervisor(site_a, site_b, plan):
    with pytest.raises(DomainError) as err:
        services.relationship_plan_create(site=site_a.site, month=date(2027, 1, 1),
                                          actor=site_a.users["zone_staff"])
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        services.relationship_plan_create(site=site_a.site, month=date(2026, 12, 20),
                                          actor=site_a.users["cs_supervisor"])
    assert err.value.code == "exists"
    with pytest.raises(DomainError) as err:
        services.relationship_plan_create(site=site_a.site, month=date(2027, 1, 1),
                                          actor=site_b.users["cs_supervisor"])
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        _task(site_a, plan, zone=site_b.zone)
    assert err.value.code == "zone"
    with pytest.raises(DomainError) as err:
        _task(site_a, plan, due=date(2027, 1, 3))
    assert err.value.code == "due_date"


# SPEC CB-08: zone staff of the task's zone record it; another zone's staff cannot; cancelled with a reason
def test_zone_staff_record_their_tasks(site_a, plan):
    task = _task(site_a, plan)
    other_zone = Zone.objects.create(site=site_a.site, name="A二片区")
    other = _task(site_a, plan, zone=other_zone, kind="activity", title="便民服务日")
    with pytest.raises(DomainError) as err:
        services.relationship_task_record(task=other, actor=site_a.users["zone_staff"], result="已办")
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        services.relationship_task_record(task=task, actor=site_a.users["zone_staff"], result=" ")
    assert err.value.code == "result"
    with pytest.raises(DomainError) as err:
        services.relationship_task_record(task=task, actor=site_a.users["zone_staff"], result="x", households=-1)
    assert err.value.code == "households"
    task = services.relationship_task_record(task=task, actor=site_a.users["zone_staff"], result="上门送贺卡",
                                             households=40, now=NOW)
    assert task.status == RelationshipTask.Status.DONE and task.done_by == site_a.users["zone_staff"]
    with pytest.raises(DomainError):  # done once
        services.relationship_task_record(task=task, actor=site_a.users["zone_staff"], result="again")
    with pytest.raises(DomainError) as err:
        services.relationship_task_cancel(task=other, actor=site_a.users["cs_supervisor"], reason="")
    assert err.value.code == "reason_required"
    other = services.relationship_task_cancel(task=other, actor=site_a.users["cs_supervisor"], reason="天气原因取消")
    assert other.status == RelationshipTask.Status.CANCELLED
    assert list(RelationshipEvent.objects.filter(task=task).values_list("kind", flat=True)) == ["created", "done"]
    assert RelationshipTask.objects.count() == 2  # nothing deleted


# SPEC CB-08: completion per zone on the dashboard and in the monthly report; other sites not counted
def test_completion_per_zone_in_reports(site_a, site_b, plan):
    done = _task(site_a, plan)
    _task(site_a, plan, kind="info_update", title="更新住户资料", due=date(2026, 12, 10))  # overdue on the 15th
    cancelled = _task(site_a, plan, kind="activity", title="取消的活动")
    services.relationship_task_record(task=done, actor=site_a.users["zone_staff"], result="已问候", now=NOW)
    services.relationship_task_cancel(task=cancelled, actor=site_a.users["cs_supervisor"], reason="改期")
    b_plan = services.relationship_plan_create(site=site_b.site, month=date(2026, 12, 1),
                                               actor=site_b.users["cs_supervisor"])
    _task(site_b, b_plan)
    section = next(s for s in registry.sections() if s.key == "relationship")
    start, end = datetime(2026, 12, 1, tzinfo=SH), datetime(2027, 1, 1, tzinfo=SH)
    block = section.monthly(site_ids=[site_a.site.pk], start=start, end=end)
    assert (block.value("rel_tasks"), block.value("rel_done"), str(block.value("rel_rate"))) == (2, 1, "0.5000")
    table = block.table("rel_by_zone")
    assert table.rows[0][:3] == [site_a.zone.name, 2, 1]
    dash = section.dashboard(site_ids=[site_a.site.pk], now=NOW)
    assert dash.value("rel_tasks") == 2
    empty = section.monthly(site_ids=[site_a.site.pk], start=datetime(2026, 11, 1, tzinfo=SH), end=start)
    assert empty.value("rel_tasks") == 0 and empty.value("rel_rate") == 0


# SPEC CB-08, X-02: the pages — the supervisor plans and adds, zone staff record; another site is 404
def test_relationship_pages(client, site_a, site_b, plan):
    client.force_login(site_a.users["cs_supervisor"])
    assert client.get(reverse("callbacks:relationship_plans")).status_code == 200
    r = client.post(plan.get_absolute_url(), {"step": "add", "zone": site_a.zone.pk, "kind": "greeting",
                                              "title": "春节问候", "due_date": "2026-12-28"})
    assert r.status_code == 302
    task = RelationshipTask.objects.get(title="春节问候")
    client.force_login(site_a.users["zone_staff"])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f'data-testid="task-done-{task.pk}"' in page and 'data-testid="relationship-task-form"' not in page
    r = client.post(plan.get_absolute_url(), {"step": "done", "task": task.pk, "result": "上门拜年",
                                              "households": "12"})
    assert r.status_code == 302
    assert RelationshipTask.objects.get(pk=task.pk).status == "done"
    client.force_login(site_b.users["cs_supervisor"])
    assert client.get(plan.get_absolute_url()).status_code == 404


# SPEC CB-08: the demo sites have this month's plan with tasks per zone, one recorded; seeding twice adds nothing
def test_demo_relationship_plan():
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)
    plans = RelationshipPlan.objects.filter(site__code__in=["SSTY", "LYXQ"])
    assert plans.count() == 2
    for plan in plans:
        assert plan.tasks.count() >= 2 and plan.tasks.filter(status="done").count() >= 1
