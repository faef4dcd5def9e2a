"""Fees benchmark (issue 16): bill run, concurrent cashiers, arrears and account pages at scale.

    python -m bench fees [--units 100000] [--cashiers 20] [--seconds 60] [--think 1.0] [--keep]

On a scratch PostgreSQL database (default propserv_bench_fees on 127.0.0.1, user postgres; override with
BENCH_DATABASE_URL):
1. 100,000 occupied units, 5 charge items each (management fee per m², garbage fee, parking per space,
   water and electricity from this month's readings): the monthly bill run is executed by a worker
   process (`bill_run_execute`, as the Celery task does); wall time and the worker's peak RSS.
2. 12 earlier months of bills, their ledger charges and the paid ones' payment rows are bulk-inserted (2.1 M
   ledger rows at 100,000 units), ANALYZE.
3. N cashiers post payments over HTTP against gunicorn (2 workers × 8 threads) for S seconds on random
   units, each GET form → POST → `--think` seconds: errors, the POST's median/p95 (localhost round trip =
   server time), and the site's receipt numbers must be exactly 1..N.
4. The arrears aging page (per unit and per zone) and a unit's account page through Django's test
   Client: median of 15 runs after a warm-up, and the query count.
Targets (issue 16): bill run < 30 s and < 1 GB; cashiers zero errors, gapless, p95 < 200 ms; pages
< 100 ms with ≤ 10 queries.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date

from bench.common import pg, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_fees"
PERIOD = date(2026, 11, 1)


def _fixtures(n_units: int):
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from estates.models import Building, Company, Site, Staff, Zone
    from fees import services as svc
    from fees.models import ChargeItem

    company = Company.objects.create(name="Bench")
    site = Site.objects.create(company=company, name="收费压测小区", code="BENCHF", households=n_units)
    zones = [Zone.objects.create(site=site, name=f"{i}片区") for i in range(1, 11)]
    per_building = 250
    n_buildings = -(-n_units // per_building)
    Building.objects.bulk_create([Building(site=site, zone=zones[b % 10], number=str(b), floors=25)
                                  for b in range(1, n_buildings + 1)])
    with connection.cursor() as cur:
        cur.execute("""
            INSERT INTO estates_unit (created_at, updated_at, site_id, building_id, entrance, room, code, floor, area,
                                      occupancy, notes, archived, archived_reason)
            SELECT now(), now(), %(site)s, b.id, '1', (1 + (g %% 250) / 10)::text || lpad((1 + g %% 10)::text, 2, '0'),
                   b.number || '-1-' || (1 + (g %% 250) / 10)::text || lpad((1 + g %% 10)::text, 2, '0'),
                   1 + (g %% 250) / 10, (60 + (g %% 90))::numeric + 0.35, 'occupied', '', false, ''
            FROM generate_series(0, %(n)s - 1) g
            JOIN estates_building b ON b.site_id = %(site)s AND b.number = (1 + g / 250)::text
        """, {"site": site.pk, "n": n_units})
    def user(name: str, role: str):
        u = User.objects.create_user(name, password="x")
        u.groups.add(Group.objects.get_or_create(name=role)[0])
        Staff.objects.create(user=u, site=site, name=name)
        return u

    fin = user("bench_finance", "finance")
    kw = {"site": site, "actor": fin, "effective_from": date(2025, 1, 1)}
    svc.charge_item_create(code="WY", name="物业管理费", kind=ChargeItem.Kind.PER_AREA, price="2.35",
                           applies_to_all=True, **kw)
    svc.charge_item_create(code="LJ", name="垃圾清运费", kind=ChargeItem.Kind.FIXED, price="10.00", applies_to_all=True,
                           **kw)
    park = svc.charge_item_create(code="CW", name="车位管理费", kind=ChargeItem.Kind.PER_SPACE, price="150.00", **kw)
    svc.charge_item_create(code="SF", name="水费", kind=ChargeItem.Kind.METERED, meter_kind="water", price="3.50",
                           tiers=[["20", "3.50"], [None, "4.90"]], applies_to_all=True, **kw)
    svc.charge_item_create(code="DF", name="电费", kind=ChargeItem.Kind.METERED, meter_kind="electricity",
                           price="0.68", applies_to_all=True, **kw)
    with connection.cursor() as cur:
        cur.execute("""INSERT INTO fees_unitcharge (created_at, updated_at, site_id, unit_id, item_id, quantity, active)
                       SELECT now(), now(), %s, id, %s, 1, true FROM estates_unit WHERE site_id = %s""",
                    [site.pk, park.pk, site.pk])
        for kind, prefix in (("water", "S"), ("electricity", "D")):
            cur.execute("""INSERT INTO fees_meter (created_at, updated_at, site_id, unit_id, building_id, kind, number,
                                                   label, is_active)
                           SELECT now(), now(), site_id, id, building_id, %s, %s || id, '', true
                           FROM estates_unit WHERE site_id = %s""", [kind, prefix, site.pk])
            cur.execute("""INSERT INTO fees_meterreading (site_id, meter_id, period, reading, consumption, flagged,
                                                          flag_reason, entered_by_id, entered_at)
                           SELECT site_id, id, %s, 1000 + id %% 50, 10 + id %% 30, false, '', %s, now()
                           FROM fees_meter WHERE site_id = %s AND kind = %s""", [PERIOD, fin.pk, site.pk, kind])
        cur.execute("ANALYZE")
    return site, fin


def _bill_run_in_worker(url: str, run_id: int) -> tuple[float, float]:
    """The bill run in its own process (as the Celery worker runs it): wall time and that process's peak RSS."""
    code = ("import resource, sys, time; from bench.common import setup_django; setup_django(sys.argv[1]);"
            "from fees.services import bill_run_execute; t=time.perf_counter();"
            "r=bill_run_execute(run_id=int(sys.argv[2])); print(time.perf_counter()-t, r.bills_created,"
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, url, str(run_id)], check=False, capture_output=True, text=True,
                         env={**os.environ})
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    seconds, bills, rss_kb = out.stdout.strip().splitlines()[-1].split()
    print(f"  bills issued: {bills}")
    return float(seconds), int(rss_kb) / 1024


def _history(site, months: int = 12) -> None:
    """Earlier months' bills (a third still open), their ledger charges and, for the paid two thirds, the
    payments' ledger rows, straight into the tables (2.1 M ledger rows at 100,000 units)."""
    from django.db import connection

    with connection.cursor() as cur:
        for back in range(1, months + 1):
            y, m = divmod(PERIOD.year * 12 + PERIOD.month - 1 - back, 12)
            period = date(y, m + 1, 1)
            cur.execute("""
                INSERT INTO fees_bill (created_at, updated_at, site_id, unit_id, kind, period, title, total, paid,
                                       status, issued_at, due_date)
                SELECT now(), now(), site_id, id, 'monthly', %(p)s, 'history', 400.00,
                       CASE WHEN id %% 3 = 0 THEN 0 ELSE 400.00 END,
                       CASE WHEN id %% 3 = 0 THEN 'open' ELSE 'paid' END, %(p)s::timestamptz, %(p)s::date + 30
                FROM estates_unit WHERE site_id = %(s)s""", {"p": period, "s": site.pk})
            cur.execute("""
                INSERT INTO fees_ledgerentry (site_id, unit_id, account, kind, amount, at, bill_id, note)
                SELECT site_id, unit_id, 'receivable', 'charge', total, issued_at, id, 'history'
                FROM fees_bill WHERE site_id = %(s)s AND period = %(p)s""", {"p": period, "s": site.pk})
            cur.execute("""
                INSERT INTO fees_ledgerentry (site_id, unit_id, account, kind, amount, at, bill_id, note)
                SELECT site_id, unit_id, 'receivable', 'payment', -paid, issued_at + interval '20 days', NULL, 'history'
                FROM fees_bill WHERE site_id = %(s)s AND period = %(p)s AND paid > 0""", {"p": period, "s": site.pk})
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM fees_ledgerentry")
        print(f"  ledger rows: {cur.fetchone()[0]:,}")


def _cashiers(site, n: int, seconds: int, think: float) -> None:
    """N cashiers over real HTTP against gunicorn (2 workers × 8 threads, as deployed): each GETs the
    payment form of a random unit (CSRF token, one-time key), POSTs the payment, waits `think` seconds
    (a cashier counts the money). The POST's round trip on localhost is the payment's server time."""
    from django.contrib.auth.models import Group, User
    from django.db import connection

    from bench.scaleout import PASSWORD, Browser, _free_port, _wait_http
    from estates.models import Staff, Unit
    from fees.models import Receipt

    users = []
    for i in range(n):
        u = User.objects.create_user(f"bench_cashier_{i}", password=PASSWORD)
        u.groups.add(Group.objects.get_or_create(name="front_desk")[0])
        Staff.objects.create(user=u, site=site, name=f"收银{i}")
        users.append(u)
    unit_ids = list(Unit.objects.filter(site=site).values_list("pk", flat=True))
    connection.close()
    port = _free_port()
    web = f"http://127.0.0.1:{port}"
    env = dict(os.environ, DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", EMAIL_URL="")
    log = open(os.path.join(os.environ["PROPSERV_VAR_DIR"], "web.log"), "w")  # noqa: SIM115 (server's life)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "propserv.wsgi", "--bind", f"127.0.0.1:{port}",
                             "--workers", "2", "--threads", "8", "--backlog", "256"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(f"{web}/login/", time.time() + 60)
        browsers = []
        for u in users:
            b = Browser()
            form = b.form(f"{web}/login/")
            status, _body, _loc = b.post(f"{web}/login/", {**form, "username": u.username, "password": PASSWORD},
                                         f"{web}/login/")
            assert status == 302, f"login of {u.username}: {status}"
            browsers.append(b)
        posts: list[float] = []
        pairs: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        load_before = os.getloadavg()
        stop_at = time.monotonic() + seconds

        def cashier(i: int, b) -> None:
            rng = random.Random(i)
            time.sleep(think * i / n)  # cashiers do not all start on the same millisecond
            while time.monotonic() < stop_at:
                url = f"{web}/fees/units/{rng.choice(unit_ids)}/pay/"
                try:
                    t0 = time.perf_counter()
                    fields = b.form(url)
                    t1 = time.perf_counter()
                    status, body, _loc = b.post(url, {**fields, "method": "cash", "amount":
                                                      f"{rng.randrange(50, 900)}.{rng.randrange(0, 100):02d}"}, url)
                    t2 = time.perf_counter()
                    if status != 302:
                        raise RuntimeError(f"{status} {body[:200]}")
                except Exception as exc:  # counted as an error
                    with lock:
                        errors.append(repr(exc)[:300])
                    continue
                with lock:
                    posts.append(t2 - t1)
                    pairs.append(t2 - t0)
                time.sleep(think)

        threads = [threading.Thread(target=cashier, args=(i, b)) for i, b in enumerate(browsers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        load_after = os.getloadavg()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    seqs = list(Receipt.objects.filter(site=site).order_by("seq").values_list("seq", flat=True))
    gapless = seqs == list(range(1, len(seqs) + 1))
    if not posts:
        print(f"  cashiers failed: {errors[:3]}")
        return

    def pct(v: list[float], p: float) -> float:
        v = sorted(v)
        return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] * 1000

    print(f"  {n} cashiers × {seconds} s over HTTP (gunicorn 2×8, {think:g} s between payments): {len(posts)} "
          f"payments, errors {len(errors)} {errors[:3]}, receipts 1..{len(seqs)} gapless: {gapless}")
    print(f"    payment POST median {statistics.median(posts) * 1000:.0f} ms, p95 {pct(posts, 95):.0f} ms; "
          f"form GET + POST p95 {pct(pairs, 95):.0f} ms; load average before {load_before[0]:.2f}, "
          f"after {load_after[0]:.2f}")


def _pages(site, fin, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from fees.models import LedgerEntry

    client = Client()
    client.force_login(fin)
    busiest = (LedgerEntry.objects.filter(site=site).values_list("unit_id", flat=True).order_by("unit_id").first())
    pages = [("arrears per unit", reverse("fees:arrears") + "?month=2026-11"),
             ("arrears per zone", reverse("fees:arrears") + "?group=zone&month=2026-11"),
             ("unit account", reverse("fees:unit_account", args=[busiest]))]
    for label, url in pages:
        assert client.get(url).status_code == 200
        samples = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as q:
                t = time.perf_counter()
                r = client.get(url)
                samples.append(time.perf_counter() - t)
            assert r.status_code == 200
        print(f"  {label}: median {statistics.median(samples) * 1000:.0f} ms, {len(q)} queries")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--cashiers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="seconds a cashier waits between payments")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    db = url.rsplit("/", 1)[1]
    pg(url, "dropdb", "--if-exists", db)
    pg(url, "createdb", db)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"fees bench on {db}: {args.units:,} units × 5 charge items")
    t = time.perf_counter()
    site, fin = _fixtures(args.units)
    print(f"  fixtures {time.perf_counter() - t:.1f} s")
    from django.db import connection

    from fees.services import bill_run_start

    run = bill_run_start(site=site, period=PERIOD, actor=fin, enqueue=False)
    connection.close()
    seconds, rss = _bill_run_in_worker(url, run.pk)
    print(f"  bill run: {seconds:.1f} s, worker peak RSS {rss:.0f} MB")
    seconds2, _rss2 = _bill_run_in_worker(url, bill_run_start(site=site, period=PERIOD, actor=fin, enqueue=False).pk)
    print(f"  bill run again (idempotent, nothing issued): {seconds2:.1f} s")
    _history(site)
    _cashiers(site, args.cashiers, args.seconds, args.think)
    _pages(site, fin, args.runs)
    print(f"  bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    connection.close()
    if not args.keep:
        pg(url, "dropdb", "--if-exists", db)
    return 0
