"""Work-order benchmark (SPEC §2 at scale): one site with 1,000,000 orders on a scratch PostgreSQL DB.

    python -m bench tickets [--orders 1000000] [--runs 15] [--keep] [--pdf-only]

Creates the database (default propserv_bench_tickets on 127.0.0.1, user postgres; override with
BENCH_DATABASE_URL), migrates it, bulk-inserts the orders with generate_series (one every 2 minutes
backwards from now, 5 zones, 6 categories, statuses spread, 10 % of the last month open), ANALYZEs,
then times through Django's test Client against the real views, logged in as the site's front desk
(median of --runs after one warm-up): the front-desk list's first page, a filtered page
(status + category + zone), an order detail; then one three-part PDF rendered now and through the
print view once the worker has rendered it ahead, and a batch of 50 in one PDF without and with
the forms rendered ahead.
Prints medians, query counts and the peak RSS. Targets: lists and detail < 50 ms with ≤ 10 queries,
one PDF < 150 ms, 50 in a batch < 5 s.

PDFs (issue 21.4): "cold" is one order whose PDF is not stored yet, in a warm process (its own
stored folder is emptied before each run; nothing else is listed or deleted); the median of --runs
is printed with the CPU time this process spent (the wall time at a load average above the 2 cores
includes waiting for a core: compare the CPU figure across loads). The batch of 50 from nothing is
also run in a fresh process (as a worker would), with the peak RSS of its whole process tree (the
process, the forkserver and the render workers, sampled every 20 ms) and its CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

from bench.common import pg, setup_django
from bench.reports import _bulk_insert

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_tickets"


def _fixtures():
    from django.contrib.auth.models import Group, User

    from estates.models import Building, Company, Department, Site, Staff, Unit, Zone

    company = Company.objects.create(name="Bench")
    site = Site.objects.create(company=company, name="压测小区", code="BENCHT", households=5000)
    zones = [Zone.objects.create(site=site, name=f"{i}片区") for i in range(1, 6)]
    depts = {kind: Department.objects.create(site=site, kind=kind, name=str(label))
             for kind, label in Department.Kind.choices}
    units = []
    for b in range(1, 26):
        building = Building.objects.create(site=site, zone=zones[b % 5], number=str(b), floors=20)
        units += [Unit(site=site, building=building, entrance="1", room=f"{f}{r:02d}", code=f"{b}-1-{f}{r:02d}",
                       floor=f) for f in range(1, 21) for r in range(1, 5)]
    Unit.objects.bulk_create(units)
    user = User.objects.create_user("bench_front_desk", password="x")
    user.groups.add(Group.objects.get_or_create(name="front_desk")[0])
    staff = Staff.objects.create(user=user, site=site, name="前台压测", department=depts["cs"])
    return site, zones, depts, list(Unit.objects.filter(site=site).order_by("pk")), staff


def _load(n: int, site, zones, depts, units) -> float:
    from tickets.models import Category, WorkOrder

    cats = list(Category.objects.filter(code__in=["drain", "lamp", "repair", "cleaning", "order", "pipe-leak"])
                .order_by("code"))
    cat_ids = [c.pk for c in cats]
    dept_of = [depts[c.department_kind].pk for c in cats]
    unit_ids = [u.pk for u in units]
    zone_of_unit = [u.building.zone_id for u in units]
    statuses = ["closed"] * 14 + ["callback", "returned", "completed", "dispatched", "unresolvable", "cancelled"]
    exprs = {
        "site_id": "%(site)s",
        "number": "'BS-' || to_char((now() - g * interval '2 minutes') AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')"
                  " || '-' || lpad(g::text, 7, '0')",
        "unit_id": "(%(units)s::bigint[])[1 + g %% %(nunits)s]",
        "zone_id": "(%(zones)s::bigint[])[1 + g %% %(nunits)s]",
        "category_id": "(%(cats)s::bigint[])[1 + g %% 6]",
        "department_id": "(%(depts)s::bigint[])[1 + g %% 6]",
        "reporter_name": "'业主' || (g %% 997)",
        "phone": "'138' || lpad((g %% 100000)::text, 8, '0')",
        "content": "'厨房下水道堵塞，水漫出到客厅，请尽快派人处理。编号' || g",
        "status": "CASE WHEN g <= %(open)s THEN (ARRAY['registered','dispatched','on_site'])[1 + g %% 3] "
                  "ELSE (%(statuses)s::text[])[1 + g %% 20] END",
        "received_at": "now() - g * interval '2 minutes'",
        "dispatched_at": "now() - g * interval '2 minutes' + interval '5 minutes'",
        "due_at": "now() - g * interval '2 minutes' + interval '24 hours'",
        "completion_policy": "'ticket.normal.complete'",
        "is_emergency": "g %% 500 = 0",
    }
    params = {"site": site.pk, "units": unit_ids, "nunits": len(unit_ids), "zones": zone_of_unit, "cats": cat_ids,
              "depts": dept_of, "open": n // 50, "statuses": statuses}
    seconds = _bulk_insert(WorkOrder, n, exprs, params)
    from django.db import connection

    with connection.cursor() as cur:
        # VACUUM too: else autovacuum visits the million new rows during the first measurements
        cur.execute("VACUUM ANALYZE tickets_workorder")
    return seconds


def _role(kind: str, ids: list[int], username: str, out) -> None:
    """In a fresh process: what a web process or a worker does, then its own peak RSS."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    from tickets.models import WorkOrder
    from tickets.printing import work_orders_pdf

    if kind == "web":
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(20):
            for url in ["/tickets/", "/tickets/?status=closed", *[f"/tickets/{pk}/" for pk in ids[:10]],
                        *[f"/tickets/{pk}/pdf/" for pk in ids[:3]]]:
                assert client.get(url).status_code == 200
    else:
        _clear_stored_forms()
        orders = list(WorkOrder.objects.filter(pk__in=ids))
        out.put(_tree_peak_while(lambda: work_orders_pdf(orders)))
        return
    out.put(_own_peak_rss_mib())


def _tree(pid: int) -> list[tuple[int, int, int]]:
    """(pid, RSS KiB, CPU ticks user+system) of a process and all its descendants, from /proc."""
    rows, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as status:
                rss = next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            with open(f"/proc/{p}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            rows.append((p, rss, int(fields[11]) + int(fields[12])))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as children:
                    todo += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
    return rows


def _tree_peak_while(fn) -> tuple[float, float, float]:
    """Run fn; return (wall s, CPU s of this process and every descendant — the forkserver's render
    workers are not this process's children, so their CPU is sampled from /proc every 20 ms —, peak
    RSS MiB of the whole tree)."""
    import threading

    start = {p: cpu for p, _rss, cpu in _tree(os.getpid())}
    seen, peak, stop = dict(start), [0.0], threading.Event()

    def sample():
        while not stop.is_set():
            rows = _tree(os.getpid())
            peak[0] = max(peak[0], sum(rss for _p, rss, _cpu in rows) / 1024)
            seen.update({p: cpu for p, _rss, cpu in rows})
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    t0 = time.perf_counter()
    try:
        fn()
    finally:
        wall = time.perf_counter() - t0
        seen.update({p: cpu for p, _rss, cpu in _tree(os.getpid())})
        stop.set()
        thread.join()
    cpu = sum(ticks - start.get(p, 0) for p, ticks in seen.items()) / os.sysconf("SC_CLK_TCK")
    return wall, cpu, peak[0]


def _own_peak_rss_mib() -> float:
    """This process's own peak RSS (VmHWM): ru_maxrss would include the parent's peak, which Linux
    carries over fork + exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_child(kind: str, ids: list[int], username: str):
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # a clean interpreter, like a gunicorn or Celery child
    out = ctx.Queue()
    proc = ctx.Process(target=_role, args=(kind, ids, username, out))
    proc.start()
    rss = out.get(timeout=600)
    proc.join()
    return rss


def _clear_stored_forms() -> None:
    from django.core.files.storage import default_storage

    from tickets.printing import PRINT_DIR, stored_form_dir

    for folder in default_storage.listdir(PRINT_DIR)[0] if default_storage.exists(PRINT_DIR) else []:
        for name in default_storage.listdir(stored_form_dir(folder))[1]:
            default_storage.delete(f"{stored_form_dir(folder)}/{name}")


def _time(fn, runs: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def _rounds(fns: list, runs: int) -> list[tuple[float, float, int]]:
    """Each fn once per round, in turn (the floor and the pages share the same moments of a noisy machine);
    for each, the median wall time and CPU time of this process (ms) and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for fn in fns:
        fn()  # warm-up
    walls: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    queries = [0] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                fn()
                walls[i].append((time.perf_counter() - t0) * 1000)
                cpus[i].append((time.process_time() - c0) * 1000)
            queries[i] = len(ctx.captured_queries)
    return [(statistics.median(w), statistics.median(c), q) for w, c, q in zip(walls, cpus, queries, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench tickets")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--pdf-only", action="store_true",
                        help="only the PDF part (issue 21.4): no list, detail or query timings, no web process")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    dbname = url.rsplit("/", 1)[1]
    pg(url, "dropdb", "--if-exists", dbname)
    pg(url, "createdb", dbname)
    setup_django(url)
    try:
        return _run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            pg(url, "dropdb", "--if-exists", dbname)


def _run(args) -> int:
    from django.core.management import call_command
    from django.test import Client

    from tickets.models import Category, WorkOrder
    from tickets.printing import work_order_prerender, work_orders_pdf

    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.floor_urls"  # the project's URLs + /bench/floor/ (issue 21.2)
    clear_url_caches()
    site, zones, depts, units, staff = _fixtures()
    load = _load(args.orders, site, zones, depts, units)
    print(f"inserted {args.orders:,} work orders in {load:.1f} s")
    client = Client()
    client.force_login(staff.user)
    cat = Category.objects.get(code="repair")
    order = WorkOrder.objects.filter(site=site).order_by("-received_at")[1000]

    from django.contrib.auth.models import Group, User

    from estates.models import Staff

    worker = User.objects.create_user("bench_worker", password="x")
    worker.groups.add(Group.objects.get_or_create(name="dept_staff")[0])
    Staff.objects.create(user=worker, site=site, name="维修工压测", department=order.department)
    worker_client = Client()
    worker_client.force_login(worker)

    def get(url, data=None, as_client=None):
        r = (as_client or client).get(url, data or {})
        assert r.status_code == 200, r.status_code
        return r

    rows: list = []
    floor_ms = 0.0
    pages = [] if args.pdf_only else [
        ("request floor: trivial logged-in page (session, user, middleware)", lambda: get("/bench/floor/")),
        ("front-desk list, first page", lambda: get("/tickets/")),
        ("filtered page (status+category+zone)",
         lambda: get("/tickets/", {"status": "closed", "category": cat.pk, "zone": zones[2].pk})),
        ("filtered page 5 (open, overdue)", lambda: get("/tickets/", {"overdue": "1", "page": "5"})),
        ("search by unit", lambda: get("/tickets/", {"q": units[123].code})),
        ("order detail", lambda: get(order.get_absolute_url())),
        ("order detail, the department's worker (completion form open)",
         lambda: get(order.get_absolute_url(), as_client=worker_client)),
    ]
    floor_cpu = 0.0
    for label, (ms, cpu, q) in zip([label for label, _fn in pages], _rounds([fn for _label, fn in pages], args.runs),
                                   strict=True):
        # the first row is the floor; the pages are given as ratios to it, by wall and by CPU time
        floor_ms, floor_cpu = floor_ms or ms, floor_cpu or cpu
        rows.append((label, f"{ms:.1f} ms, CPU {cpu:.2f} ms" + (
            f" ({ms / floor_ms:.1f}× the floor, CPU {cpu / floor_cpu:.1f}×)" if rows else ""), q))
    pdf_orders = list(WorkOrder.objects.filter(site=site).order_by("-received_at")[:50])

    from django.core.files.storage import default_storage

    from tickets.printing import _files, stored_form_dir

    def cold_one():  # the order's PDF is not stored: its own folder emptied, nothing else touched
        folder = stored_form_dir(pdf_orders[0].pk)
        for name in _files(folder):
            default_storage.delete(f"{folder}/{name}")
        work_orders_pdf(pdf_orders[:1])

    cold_one()  # warm-up
    walls, cpus = [], []
    for _ in range(max(7, args.runs)):
        t0, c0 = time.perf_counter(), time.process_time()
        cold_one()
        walls.append((time.perf_counter() - t0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    rows.append((f"one work-order PDF (3 pages) from nothing, warm process, median of {len(walls)}",
                 f"{statistics.median(walls):.1f} ms (CPU {statistics.median(cpus):.1f} ms; min {min(walls):.1f} ms)",
                 "-"))
    work_order_prerender(pdf_orders[0].pk)  # what the worker does after dispatch
    ms, q = _time(lambda: get(f"/tickets/{pdf_orders[0].pk}/pdf/"), args.runs)
    rows.append(("one work-order PDF, print view, rendered ahead at dispatch", f"{ms:.1f} ms", q))
    _clear_stored_forms()
    wall, cpu, peak = _tree_peak_while(lambda: work_orders_pdf(pdf_orders))
    rows.append(("batch of 50 in one PDF (150 pages), nothing rendered ahead",
                 f"{wall:.2f} s (CPU {cpu:.1f} s incl. render workers; process tree peak {peak:.0f} MiB)", "-"))
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        batch = work_orders_pdf(pdf_orders)
        times.append(time.perf_counter() - t0)
    rows.append(("batch of 50, rendered ahead at dispatch (median of 5)", f"{statistics.median(times):.2f} s", "-"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for label, url in [] if args.pdf_only else [("list", "/tickets/"), ("detail", order.get_absolute_url())]:
        with CaptureQueriesContext(connection) as ctx:
            get(url)
        slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        print(f"slowest queries of {label}: " + "; ".join(f"{q['time']} s {q['sql'][:160]}" for q in slow))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ids = [o.pk for o in pdf_orders]
    web_rss = 0.0 if args.pdf_only else _in_child("web", ids, staff.user.username)
    worker_wall, worker_cpu, worker_rss = _in_child("worker", ids, staff.user.username)
    print(f"\n| measurement ({args.orders:,} orders, median of {args.runs}) | time | queries |")
    print("|---|---|---|")
    for label, value, q in rows:
        print(f"| {label} | {value} | {q} |")
    print(f"\nbatch PDF size {len(batch) / 1024:.0f} KiB; peak RSS of this benchmark process {rss:.0f} MiB")
    if not args.pdf_only:
        print(f"peak RSS of a fresh web process serving lists, details and stored forms: {web_rss:.0f} MiB"
              " (budget 300 MiB)")
    print(f"a fresh worker process rendering the batch of 50 from nothing: {worker_wall:.2f} s, CPU {worker_cpu:.1f} s,"
          f" peak RSS of its process tree {worker_rss:.0f} MiB (budget 1,024 MiB)")
    print("load average {:.2f} {:.2f} {:.2f} on {} CPUs".format(*os.getloadavg(), os.cpu_count()))
    return 0
