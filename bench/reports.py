"""Dashboard and monthly-report benchmark (SPEC D-01, D-02): one site with 1,000,000 work orders,
100,000 complaints and 100,000 callbacks on a scratch PostgreSQL database.

    python -m bench reports [--orders 1000000] [--open N] [--complaints 100000] [--callbacks 100000] [--runs 15]
                            [--keep]

--open N: the open-order shape. Without it, orders of the last 30 days are 10 % open (~4,100 open at 1M,
recent). With it, N orders spread evenly over the two years stay open (every (orders/N)-th order, most
long overdue): `--open 70000` is the `bench tickets` loader's shape (~69,000 open), `--open 100000` the
larger one. The dashboard should not grow from one shape to the next.

Creates the database (default propserv_bench_reports on 127.0.0.1, user postgres; override with
BENCH_DATABASE_URL), migrates it, bulk-inserts rows with generate_series (spread over two years,
orders of the last 30 days 10 % open), then times the dashboard page (GET through Django's test client, logged in
as the site's CS supervisor; median of --runs after one warm-up), the htmx refresh partial, and
generating the previous month's report in all three formats (figures + PDF + XLSX), prints the
medians, the slowest section queries, EXPLAIN of the heaviest query and the peak RSS. Drops the
database at the end unless --keep. Targets: dashboard < 200 ms median, monthly report < 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from urllib.parse import urlparse

from bench.common import pg, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_reports"




def _bulk_insert(model, count: int, exprs: dict[str, str], params: dict) -> float:
    """INSERT … SELECT FROM generate_series(1, count) g: `exprs` gives SQL per column (using g); every
    other NOT NULL column gets the model field's default, so the benchmark follows model changes."""
    from django.db import connection

    cols, values, all_params = [], [], dict(params)
    for field in model._meta.concrete_fields:
        col = field.column
        if field.primary_key and col not in exprs:
            continue
        if col in exprs:
            cols.append(col)
            values.append(exprs[col])
            continue
        if field.null:
            continue
        if field.get_internal_type() == "DateTimeField" and not field.has_default():
            cols.append(col)  # created_at / updated_at (auto_now): no Python default
            values.append("now()")
            continue
        default = field.get_default()
        if hasattr(default, "pk"):
            default = default.pk
        if isinstance(default, (dict, list)):
            default = json.dumps(default)
        if default is None:
            default = ""
        key = f"d_{col}"
        all_params[key] = default
        cols.append(col)
        values.append(f"%({key})s")
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) "
           f"SELECT {', '.join(values)} FROM generate_series(1, %(count)s) AS g")
    all_params["count"] = count
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(sql, all_params)
    return time.perf_counter() - t0


def _fixtures():
    from django.contrib.auth.models import Group, User

    from estates.models import Building, Company, Department, Site, Staff, Unit, Zone

    company = Company.objects.create(name="Bench")
    site = Site.objects.create(company=company, name="压测小区", code="BENCHR", households=5000)
    zones = [Zone.objects.create(site=site, name=f"{i}片区") for i in range(1, 6)]
    depts = [Department.objects.create(site=site, kind=kind, name=str(label))
             for kind, label in Department.Kind.choices][:6]
    units = []
    for z, zone in enumerate(zones):
        b = Building.objects.create(site=site, zone=zone, number=str(z + 1))
        for r in range(1, 41):
            units.append(Unit.objects.create(site=site, building=b, entrance="1", room=f"{r:02d}01",
                                             code=f"{z + 1}-1-{r:02d}01", floor=r))
    group, _ = Group.objects.get_or_create(name="cs_supervisor")
    user = User.objects.create_user("bench_reports_sup", "bench_reports_sup@example.com", "x")
    user.groups.add(group)
    staff = Staff.objects.create(user=user, site=site, name="主管", department=depts[0])
    return site, zones, depts, units, user, staff


def _load(args, site, zones, depts, units, staff) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from callbacks.models import Callback
    from complaints.models import Complaint
    from estates.models import Department
    from tickets.models import Category, WorkOrder

    cats = [Category.objects.get_or_create(code=f"bench-{i}", defaults={
        "name": f"类别{i}", "department_kind": Department.Kind.ENGINEERING})[0] for i in range(10)]
    arr = "ARRAY[{}]::bigint[]"
    p = {"site": site.pk, "staff": staff.pk}
    timings = {}
    # Rows are inserted in time order, as in production (recent rows at the table's tail): order g was
    # received (N - g) * 730 days / N ago. Orders of the last 30 days are 10 % open (a backlog of
    # ~4,000 at 1M orders); older ones are closed (1 % cancelled).
    n = args.orders
    span = f"((({n} - g)::bigint * 730 * 1440) / {n})"  # minutes back from now
    if args.open:
        every = max(1, n // args.open)
        recent_open = f"(g %% {every} = 0)"
    else:
        recent_open = f"({span} < 30 * 1440 AND g %% 10 = 0)"
    timings["orders"] = _bulk_insert(WorkOrder, args.orders, {
        "site_id": "%(site)s",
        "number": "'B' || g",
        "category_id": f"({arr.format(','.join(str(c.pk) for c in cats))})[g %% 10 + 1]",
        "department_id": f"({arr.format(','.join(str(d.pk) for d in depts))})[g %% {len(depts)} + 1]",
        "zone_id": f"({arr.format(','.join(str(z.pk) for z in zones))})[g %% 5 + 1]",
        "unit_id": f"({arr.format(','.join(str(u.pk) for u in units))})[g %% {len(units)} + 1]",
        "content": "'压测'",
        "status": f"CASE WHEN {recent_open} AND g %% 20 = 0 THEN 'registered' WHEN {recent_open} THEN 'dispatched' "
                  "WHEN g %% 97 = 2 THEN 'cancelled' ELSE 'closed' END",
        "is_emergency": "(g %% 40 = 0)",
        "received_at": f"now() - interval '1 minute' * {span}",
        "due_at": f"now() - interval '1 minute' * {span} + interval '3 days'",
        "dispatched_at": f"now() - interval '1 minute' * {span} + interval '10 minutes'",
        "completed_at": f"CASE WHEN NOT {recent_open} AND g %% 97 <> 2 THEN now() - interval '1 minute' * {span} "
                        "+ interval '1 hour' * (g %% 100) END",
        "closed_at": f"CASE WHEN NOT {recent_open} THEN now() - interval '1 minute' * {span} + interval '5 days' END",
        "rework_count": "(g %% 23 = 0)::int",
        "extension_count": "0",
    }, p)
    n = args.complaints
    span = f"((({n} - g)::bigint * 730 * 1440) / {n})"
    timings["complaints"] = _bulk_insert(Complaint, args.complaints, {
        "site_id": "%(site)s",
        "number": "'BC' || g",
        "kind": "CASE WHEN g %% 20 = 0 THEN 'praise' ELSE 'complaint' END",
        "received_at": f"now() - interval '1 minute' * {span}",
        "received_by_id": "%(staff)s",
        "unit_id": f"({arr.format(','.join(str(u.pk) for u in units))})[g %% {len(units)} + 1]",
        "department_id": f"({arr.format(','.join(str(d.pk) for d in depts))})[g %% {len(depts)} + 1]",
        "subject": "'压测投诉'",
        "status": f"CASE WHEN {span} < 60 * 1440 AND g %% 5 = 0 THEN 'registered' WHEN g %% 3 = 1 THEN 'invalid' "
                  "ELSE 'closed' END",
        "is_valid": "CASE WHEN g %% 3 = 0 THEN true WHEN g %% 3 = 1 THEN false END",
        "category": "(ARRAY['engineering','security','cleaning','greening','fees','attitude'])[g %% 6 + 1]",
        "severity": "CASE WHEN g %% 50 = 0 THEN 'emergency' WHEN g %% 10 = 0 THEN 'major' ELSE 'normal' END",
        "level": "CASE WHEN g %% 30 = 0 THEN 2 ELSE 0 END",
        "was_late": "(g %% 7 = 0)",
    }, p)
    ct = ContentType.objects.get_for_model(WorkOrder)
    n = args.callbacks
    span = f"((({n} - g)::bigint * 730 * 1440) / {n})"
    timings["callbacks"] = _bulk_insert(Callback, args.callbacks, {
        "site_id": "%(site)s",
        "kind": "'ticket'",
        "subject_type_id": str(ct.pk),
        "subject_id": "g",
        "unit_id": f"({arr.format(','.join(str(u.pk) for u in units))})[g %% {len(units)} + 1]",
        "due_at": f"now() - interval '1 minute' * {span} + interval '2 days'",
        "status": "CASE WHEN g %% 40 = 0 THEN 'open' WHEN g %% 13 = 0 THEN 'unreachable' ELSE 'done' END",
        "result": "CASE WHEN g %% 40 = 0 THEN '' WHEN g %% 13 = 0 THEN 'unreachable' WHEN g %% 11 = 0 "
                  "THEN 'unsatisfied' WHEN g %% 4 = 0 THEN 'basically' ELSE 'satisfied' END",
        "answered_at": f"CASE WHEN g %% 40 <> 0 AND g %% 13 <> 0 THEN now() - interval '1 minute' * {span} "
                       "+ interval '1 day' END",
    }, p)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("tickets_workorder", "complaints_complaint", "callbacks_callback", "core_deadline"):
            cur.execute(f"VACUUM ANALYZE {table}")
    timings["vacuum"] = time.perf_counter() - t0
    return timings


def _time_queries(fn) -> tuple[float, list[tuple[float, str]]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - t0
    slow = sorted(((float(q["time"]), q["sql"]) for q in ctx.captured_queries), reverse=True)
    return elapsed, slow


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--open", type=int, default=0,
                    help="orders left open, spread over the two years (default: 10 %% of the last 30 days)")
    ap.add_argument("--complaints", type=int, default=100_000)
    ap.add_argument("--callbacks", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--no-monthly", action="store_true", help="time the dashboard only (no monthly report)")
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = urlparse(url).path.lstrip("/")
    pg(url, "dropdb", "--if-exists", name)
    pg(url, "createdb", name)
    setup_django(url)
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")
    try:
        return _run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            pg(url, "dropdb", "--if-exists", name)


def _run(args) -> int:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from reports.models import MonthlyReport
    from reports.services import default_report_month, monthly_report_generate

    settings.ALLOWED_HOSTS = ["*"]
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.floor_urls"  # the project's URLs + /bench/floor/ (issue 21.2)
    clear_url_caches()
    site, zones, depts, units, user, staff = _fixtures()
    timings = _load(args, site, zones, depts, units, staff)
    for k, v in timings.items():
        print(f"load {k}: {v:.1f} s")
    from tickets.models import WorkOrder

    print(f"open work orders: {WorkOrder.objects.filter(status__in=WorkOrder.OPEN_STATES).count():,}; "
          f"load average {os.getloadavg()[0]:.1f}")

    client = Client()
    client.force_login(user)
    results = {}
    for label, url in (("request floor (trivial logged-in page)", "/bench/floor/"),
                       ("dashboard page", reverse("reports:dashboard")),
                       ("dashboard refresh (htmx partial)", reverse("reports:dashboard_body"))):
        resp = client.get(url)  # warm-up
        assert resp.status_code == 200, resp.status_code
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        results[label] = times
        floor = statistics.median(next(iter(results.values())))
        print(f"{label}: median {statistics.median(times):.1f} ms ({statistics.median(times) / floor:.0f}× the floor), "
              f"min {min(times):.1f}, max {max(times):.1f} ({args.runs} runs)")

    settings.REPORTS_CACHE_SECONDS = 0  # cold: 30-day rates and the 12-month trend computed every time
    times = []
    for _ in range(max(3, args.runs // 3)):
        t0 = time.perf_counter()
        client.get(reverse("reports:dashboard"))
        times.append((time.perf_counter() - t0) * 1000)
    print(f"dashboard page, no cache: median {statistics.median(times):.0f} ms, min {min(times):.0f}, "
          f"max {max(times):.0f} ({len(times)} runs); load average {os.getloadavg()[0]:.1f}")

    from reports import registry

    now = timezone.now()
    for section in registry.sections():
        elapsed, slow = _time_queries(lambda s=section: s.dashboard(site_ids=[site.pk], now=now))
        print(f"  dashboard section {section.key}: {elapsed * 1000:.0f} ms, {len(slow)} queries, "
              f"slowest {slow[0][0] * 1000 if slow else 0:.0f} ms" + (f": {slow[0][1][:150]}" if slow else ""))

    if args.no_monthly:
        ok = statistics.median(results["dashboard page"]) < 200
        print(f"load average {os.getloadavg()[0]:.1f}; " + ("targets met" if ok else "TARGETS MISSED"))
        return 0 if ok else 1
    month = default_report_month(now)
    report = MonthlyReport.objects.create(site=site, month=month)
    runs = []
    for _ in range(3):
        elapsed, slow = _time_queries(lambda: monthly_report_generate(report_id=report.pk))
        runs.append(elapsed)
    report.refresh_from_db()
    print(f"monthly report {month:%Y-%m} (figures + PDF + XLSX): median {statistics.median(runs):.2f} s "
          f"(runs {', '.join(f'{r:.2f}' for r in runs)}); PDF {report.pdf.size // 1024} KiB, "
          f"XLSX {report.xlsx.size // 1024} KiB; {len(slow)} queries, slowest:")
    for t, sql in slow[:3]:
        print(f"    {t * 1000:.0f} ms  {sql[:160]}")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + slow[0][1]) if slow else None
        if slow:
            print("EXPLAIN of the slowest report query:")
            for (line,) in cur.fetchall()[:25]:
                print("    " + line)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS: {rss / 1024:.0f} MiB")
    ok = statistics.median(results["dashboard page"]) < 200 and statistics.median(runs) < 10
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
