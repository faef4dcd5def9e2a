"""Issue 21.1 / SPEC D-01: the dashboard's open-order figures come from counts kept by triggers, and they
equal a direct count of the orders after every kind of change (services, raw SQL updates and deletes,
the clock moving on, compaction)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Q

from reports import registry
from tests.tickets.helpers import T0, complete, dispatch, register
from tickets import services
from tickets.models import WorkOrder
from tickets.open_counts import TABLE, compact, install
from tickets.tasks import open_counts_compact_task

pytestmark = pytest.mark.django_db


def direct(site_ids, now):
    """The figures counted straight from the orders (what the dashboard computed before issue 21)."""
    from reports.selectors import today_range

    t0, t1 = today_range(now)
    open_qs = WorkOrder.objects.filter(site_id__in=site_ids, status__in=WorkOrder.OPEN_STATES)
    agg = open_qs.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)),
                            emergency_open=Count("id", filter=Q(is_emergency=True)),
                            due_today=Count("id", filter=Q(due_at__gte=t0, due_at__lt=t1)))
    tables = {}
    for key, field in (("overdue_by_category", "category__name"), ("overdue_by_department", "department__name"),
                       ("overdue_by_zone", "zone__name")):
        rows = open_qs.values(field).annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
        tables[key] = sorted((r[field] or "", r["open"], r["overdue"]) for r in rows)
    return agg, tables


def shown(site_ids, now):
    block = registry.get_section("tickets").dashboard(site_ids=site_ids, now=now)
    agg = {k: block.value(k) for k in ("open", "overdue", "emergency_open", "due_today")}
    tables = {}
    for key in ("overdue_by_category", "overdue_by_department", "overdue_by_zone"):
        tables[key] = sorted((str(r[0]) if r[0] not in ("—",) else "", r[1], r[2])
                             for r in block.table(key).rows)
    return agg, tables


def assert_exact(sites, now):
    for site_ids in ([sites[0].site.pk], [sites[1].site.pk], [s.site.pk for s in sites]):
        got, want = shown(site_ids, now), direct(site_ids, now)
        # the department table names "not dispatched" for orders without one
        got[1]["overdue_by_department"] = sorted(
            ("" if name not in {d.name for s in sites for d in s.depts.values()} else name, o, v)
            for name, o, v in got[1]["overdue_by_department"])
        assert got == want, (site_ids, now)


def test_open_figures_exact_after_every_kind_of_change(site_a, site_b):
    # SPEC D-01, issue 21.1
    sites = [site_a, site_b]
    now = T0 + timedelta(hours=3)
    a1 = register(site_a, "drain", now=T0)
    a2 = register(site_a, "repair", now=T0 + timedelta(minutes=5), unit=1)
    a3 = register(site_a, "drain", now=T0 + timedelta(minutes=9), unit=2, is_emergency=True)
    register(site_a, "repair", now=T0 - timedelta(days=3), unit=None, location="大门")  # long overdue, no unit
    b1 = register(site_b, "drain", now=T0)
    assert direct([site_a.site.pk], now)[0]["open"] == 4
    assert shown([site_a.site.pk], now)[0]["open"] == 4
    assert_exact(sites, now)
    dispatch(site_a, a1)  # department and assignee set
    assert_exact(sites, now)
    complete(site_a, WorkOrder.objects.get(pk=a1.pk))  # leaves the open states
    assert_exact(sites, now)
    services.work_order_cancel(order=WorkOrder.objects.get(pk=a2.pk), actor=site_a.users["front_desk"],
                               reason="住户取消")
    assert_exact(sites, now)
    # a raw update of the status, the deadline, the category and the zone (no signal, no service)
    WorkOrder.objects.filter(pk=a1.pk).update(status=WorkOrder.Status.REWORK, due_at=now - timedelta(minutes=1))
    WorkOrder.objects.filter(pk=a3.pk).update(due_at=None, is_emergency=False, zone=None)
    WorkOrder.objects.filter(pk=b1.pk).update(category=a2.category)
    assert_exact(sites, now)
    # the clock moves on: orders fall overdue without any write; another day has other "due today"
    for later in (now + timedelta(hours=20), now + timedelta(days=2), now - timedelta(days=5)):
        assert_exact(sites, later)
    # folded by the minute job: the same figures, one row per key
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        before = cur.fetchone()[0]
    assert open_counts_compact_task() < before
    assert_exact(sites, now)
    # rows deleted by SQL (nothing in the app deletes an order, but the count follows whatever happens)
    WorkOrder.objects.filter(pk=b1.pk).delete()
    assert_exact(sites, now)
    compact()
    assert_exact(sites, now)
    # rebuilt from the orders (every migrate): the same
    install()
    assert_exact(sites, now)


def test_bulk_insert_and_update_counted(site_a, site_b):
    # issue 21.1: many rows in one statement (imports, the benchmark loader) are counted too
    o = register(site_a, "drain", now=T0)
    rows = [WorkOrder(site=site_a.site, number=f"BS-X-{i}", category=o.category, content="批量",
                      status=WorkOrder.Status.REGISTERED if i % 3 else WorkOrder.Status.CLOSED,
                      received_at=T0, due_at=T0 + timedelta(hours=i), is_emergency=i % 4 == 0, zone=site_a.zone)
            for i in range(30)]
    WorkOrder.objects.bulk_create(rows)
    assert_exact([site_a, site_b], T0 + timedelta(hours=10))
    WorkOrder.objects.filter(site=site_a.site, number__startswith="BS-X-").update(status=WorkOrder.Status.ON_SITE)
    assert_exact([site_a, site_b], T0 + timedelta(hours=10))


def test_dashboard_open_figures_one_query(site_a, django_assert_num_queries):
    # issue 21.1: the open figures and the three tables are one query, whatever the number of open orders
    from reports.selectors import today_range
    from tickets.open_counts import open_order_figures

    for i in range(5):
        register(site_a, "drain" if i % 2 else "repair", now=T0 + timedelta(minutes=i), unit=i % 3)
    t0, t1 = today_range(T0)
    with django_assert_num_queries(1):
        rows = open_order_figures(site_ids=[site_a.site.pk], now=T0 + timedelta(hours=1), day_start=t0, day_end=t1)
    assert sum(r["open"] for r in rows) == 5
