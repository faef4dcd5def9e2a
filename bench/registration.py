"""Registration under many front-desk clients at once (issue 13.12).

    python -m bench registration [--clients 50] [--rounds 4] [--think 1.0] [--workers 3] [--threads 1]
                                 [--redis redis://127.0.0.1:6379/14] [--profile]

Creates a scratch database (default propserv_bench_registration on 127.0.0.1, user postgres; override
with BENCH_REGISTRATION_DATABASE_URL), starts its own gunicorn on a free port of 127.0.0.1 (by default
production's web command: 3 sync workers; --workers/--threads to try others) with a scratch filesystem
broker, or the --redis database (the prerender tasks queue up there; no worker runs, so rendering costs
the web nothing), and logs in
--clients front-desk users (one session each, before timing: password hashing is the login's cost,
not registration's). Then every client, in its own thread, does --rounds registrations as the
front desk does them: GET the form, POST it (unit, category, content), follow nothing; between two
registrations a client waits --think seconds (a clerk types for minutes; 1 s is already a stress).

Prints per request kind and for each GET+POST pair the median and p95 in ms, the throughput, errors,
the load average before and after, the CPU time per registration spent by the web processes, by
PostgreSQL and by the bench's own clients (they share the machine's cores), and the peak RSS (VmHWM) of
each gunicorn process. With --redis (or BENCH_REDIS_URL) the cache, sessions and broker are that Redis
database, as in production. With
--profile each gunicorn worker writes a cProfile of the run; the top entries are printed.
Exits 0 if every registration succeeded and the p95 of a pair is below --target ms (default 500).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.common import pg
from bench.scaleout import PASSWORD, Browser, _free_port, _wait_http

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_registration"

# a gunicorn config that profiles each worker from fork to exit (only with --profile)
PROFILE_CONF = '''
import cProfile, os
_prof = None
def post_fork(server, worker):
    global _prof
    _prof = cProfile.Profile()
    _prof.enable()
def worker_exit(server, worker):
    if _prof is not None:
        _prof.disable()
        _prof.dump_stats(os.path.join({folder!r}, "web-%d.prof" % os.getpid()))
'''


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


def _cpu_s(pids: list[int]) -> float:
    """utime + stime of these processes, in seconds (from /proc; 0 for one that is gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _postgres_pids() -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def _hidden_fields(html: str) -> dict:
    """The form's hidden inputs as Django renders them: a regex, not an HTML parser, so the clients spend
    little of the two cores they share with the server (a clerk's browser parses on the clerk's PC)."""
    return dict(HIDDEN.findall(html))


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench registration")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=4, help="registrations per client")
    ap.add_argument("--think", type=float, default=1.0, help="seconds a client waits between registrations")
    # the defaults are production's web command (docker-compose.yml, Dockerfile): 3 sync workers
    ap.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    ap.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    ap.add_argument("--target", type=float, default=500.0, help="p95 of GET+POST to pass, ms")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""),
                    help="a Redis database for cache, sessions and broker, as production has (default: none, "
                         "the file cache and filesystem broker of the embedded default); flushed before and after")
    args = ap.parse_args()
    url = os.environ.get("BENCH_REGISTRATION_DATABASE_URL", DEFAULT_URL)
    dbname = urlparse(url).path.lstrip("/")
    var = Path(tempfile.mkdtemp(prefix="propserv-registration-"))
    for sub in ("mail", "media", "cache", "celery/queue", "celery/processed", "celery/control"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, PROPSERV_VAR_DIR=str(var), MEDIA_ROOT=str(var / "media"),
               DJANGO_SETTINGS_MODULE="propserv.settings.base", EMAIL_URL="", LOG_LEVEL="WARNING", DEBUG="false",
               ALLOWED_HOSTS="127.0.0.1,localhost")
    for name in ("REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    if args.redis:
        env["REDIS_URL"] = args.redis
        _flush_redis(args.redis)
    os.environ.clear()
    os.environ.update(env)
    pg(url, "dropdb", "--if-exists", dbname)
    pg(url, "createdb", dbname)
    proc: subprocess.Popen | None = None
    ok = False
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from core.roles import Role
        from tests.conftest import _make_site
        from tests.factories import make_staff
        from tickets.models import Category, WorkOrder

        call_command("migrate", verbosity=0)
        s = _make_site("R")
        users = [s.users["front_desk"]] + [
            make_staff(s.site, Role.FRONT_DESK, department=s.staff["front_desk"].department,
                       username=f"r_front_desk_{i}").user for i in range(1, args.clients)]
        drain = Category.objects.get(code="drain").pk
        units = [u.code for u in s.units]
        connection.close()

        port = _free_port()
        web = f"http://127.0.0.1:{port}"
        argv = [sys.executable, "-m", "gunicorn", "propserv.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.workers), "--threads", str(args.threads), "--backlog", "256",
                "--worker-class", "sync" if args.threads == 1 else "gthread"]
        if args.profile:  # cProfile sees one thread: sync workers handle requests on it
            conf = var / "gunicorn_profile.py"
            conf.write_text(PROFILE_CONF.format(folder=str(var)))
            argv += ["-c", str(conf), "--worker-class", "sync", "--threads", "1"]
        log = open(var / "web.log", "w")  # noqa: SIM115 (kept open for the server's life)
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_http(f"{web}/login/", time.time() + 60)
        print(f"gunicorn {args.workers} worker(s) × {args.threads} thread(s) on {web}; "
              f"{args.clients} clients × {args.rounds} registrations, {args.think:g} s between two")

        browsers = []
        for user in users:  # sessions first: logging in hashes a password, registering does not
            b = Browser()
            form = b.form(f"{web}/login/")
            status, _, _ = b.post(f"{web}/login/", {**form, "username": user.username, "password": PASSWORD},
                                  f"{web}/login/")
            assert status == 302, f"login of {user.username}: {status}"
            browsers.append(b)
        # a running server is warm: before timing, a few registrations per worker process (templates,
        # translations, the cached form fragments, the broker connection of the first enqueue)
        for n in range(4 * args.workers):
            b = browsers[n % len(browsers)]
            fields = b.form(f"{web}/tickets/new/")
            fields.update(unit_code=units[0], channel="phone", category=drain, content=f"预热登记 {n}",
                          reporter_name="李秀英", phone="13800000001")
            status, _, _ = b.post(f"{web}/tickets/new/", fields, f"{web}/tickets/new/")
            assert status == 302, f"warm-up registration: {status}"

        gets: list[float] = []
        posts: list[float] = []
        pairs: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(len(browsers))

        def client(i: int, b: Browser) -> None:
            barrier.wait()
            time.sleep(args.think * i / len(browsers))  # clerks do not all start on the same millisecond
            for n in range(args.rounds):
                t0 = time.perf_counter()
                try:
                    status, html, _ = b.get(f"{web}/tickets/new/")
                    t1 = time.perf_counter()
                    if status != 200:
                        raise RuntimeError(f"GET {status}")
                    fields = _hidden_fields(html)
                    fields.update(unit_code=units[(i + n) % len(units)], channel="phone", category=drain,
                                  content=f"并发登记 {i}-{n}：厨房下水道堵塞", reporter_name="李秀英",
                                  phone="13800000001")
                    status, body, location = b.post(f"{web}/tickets/new/", fields, f"{web}/tickets/new/")
                    t2 = time.perf_counter()
                    if status != 302 or not re.search(r"/tickets/\d+/", location):
                        raise RuntimeError(f"{status} {body[:200]}")
                except Exception as exc:
                    with lock:
                        errors.append(f"client {i} round {n}: {exc}")
                    continue
                with lock:
                    gets.append((t1 - t0) * 1000)
                    posts.append((t2 - t1) * 1000)
                    pairs.append((t2 - t0) * 1000)
                time.sleep(args.think)

        web_pids = [proc.pid, *_children(proc.pid)]
        pg_before = {p: _cpu_s([p]) for p in _postgres_pids()}
        cpu_before = (_cpu_s(web_pids), time.process_time())
        load_before = os.getloadavg()
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i, b)) for i, b in enumerate(browsers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        load_after = os.getloadavg()
        # PostgreSQL: every backend alive now, less what those alive before had already spent
        pg_now = _postgres_pids()
        pg_cpu = _cpu_s(pg_now) - sum(v for p, v in pg_before.items() if p in pg_now)
        cpu = (_cpu_s(web_pids) - cpu_before[0], pg_cpu, time.process_time() - cpu_before[1])

        expected = args.clients * args.rounds
        numbers = list(WorkOrder.objects.exclude(content__startswith="预热登记").values_list("number", flat=True))
        print(f"{len(pairs)} of {expected} registrations in {wall:.1f} s ({len(pairs) / wall:.1f}/s), "
              f"{len(errors)} errors; {len(numbers)} orders, {len(set(numbers))} distinct numbers")
        for e in errors[:5]:
            print("  ", e)
        for name, values in (("GET form", gets), ("POST", posts), ("GET+POST", pairs)):
            if values:
                print(f"{name:9s} median {statistics.median(values):7.0f} ms   p95 {_pct(values, 95):7.0f} ms   "
                      f"max {max(values):7.0f} ms")
        print("load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(*load_before,
                                                                                            *load_after))
        n = max(len(pairs), 1)
        print(f"CPU per registration (GET+POST): web {cpu[0] * 1000 / n:.1f} ms, "
              f"PostgreSQL {cpu[1] * 1000 / n:.1f} ms, "
              f"the bench's clients {cpu[2] * 1000 / n:.1f} ms; {sum(cpu) / wall:.2f} of "
              f"{os.cpu_count()} cores busy over the run")
        rss = {pid: _hwm_kib(pid) for pid in [proc.pid, *_children(proc.pid)]}
        print("peak RSS (VmHWM) of gunicorn processes: " +
              ", ".join(f"{kib / 1024:.0f} MiB" for kib in rss.values()))
        p95 = _pct(pairs, 95) if pairs else float("inf")
        ok = not errors and len(pairs) == expected and len(set(numbers)) == expected and p95 < args.target
        print(f"p95 of GET+POST {p95:.0f} ms vs target {args.target:.0f} ms:", "PASS" if ok else "FAIL")
    finally:
        if proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        from django.db import connections

        connections.close_all()
        pg(url, "dropdb", "--if-exists", dbname)
        if args.redis:
            _flush_redis(args.redis)
    if args.profile:
        import pstats

        profs = [str(p) for p in var.glob("web-*.prof")]
        if profs:
            stats = pstats.Stats(*profs)
            stats.sort_stats("cumulative").print_stats(r"propserv|django|core/|tickets/|estates/|psycopg", 45)
            stats.sort_stats("tottime").print_stats(25)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
