"""Scale-out on one machine (issue 13.13): 2 web processes and 2 workers, one PostgreSQL and Redis.

    python -m bench scaleout [--orders 20] [--timeout 150] [--s3]

Creates a scratch database (default propserv_bench_scaleout on 127.0.0.1, user postgres; override with
BENCH_SCALEOUT_DATABASE_URL) and uses Redis database 13 (BENCH_REDIS_URL), flushed before and after.
Starts two gunicorn servers on two free ports of 127.0.0.1, two Celery workers (each consuming every
queue: the competing consumers of a scaled deployment) and one beat, all sharing one var/ and media
folder (with --s3: media in an S3 API server, moto's, on 127.0.0.1, as separate machines would
share it). Then, over HTTP as a browser would:

1. logs the front desk in on web 1 and uses the same session cookie on web 2 (sessions are in the
   database, signed with the shared SECRET_KEY);
2. registers --orders work orders alternately through web 1 and web 2 (numbers must be unique and
   gap-free across both);
3. opens every order through the *other* web (both see the same data), waits for the workers to
   render each printed form ahead into the shared media storage and prints it through the other web;
4. moves the due time of every running clock of these orders to a few seconds ahead (the only
   shortcut: a real clock runs for minutes), then, besides beat's sweep every 30 s, sends eight
   more sweeps at the due moment so both workers sweep at the same time;
5. waits until every clock is breached and every notice emailed, and checks each breach notified
   each role holder exactly once and each email was written exactly once (one Message-ID per notice).

Prints the figures and exits 0 only if every check holds; bounded by --timeout; stops every process
it started and drops the scratch database.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import http.cookiejar
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from bench.common import pg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_scaleout"
DEFAULT_REDIS = "redis://127.0.0.1:6379/13"
PASSWORD = "pw-Secret-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar for both webs (cookies are per host, not per port, as in a browser)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, url: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict, referer: str) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(url, data=data, headers={"Referer": referer}))

    def _open(self, req) -> tuple[int, str, str]:
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode(), r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), e.headers.get("Location", "")

    def form(self, url: str) -> dict:
        status, html, _ = self.get(url)
        assert status == 200, (url, status)
        hidden: dict = {}

        class Inputs(HTMLParser):
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "input" and a.get("type") == "hidden" and a.get("name"):
                    hidden[a["name"]] = a.get("value") or ""

        Inputs().feed(html)
        return hidden


def _wait_http(url: str, deadline: float) -> None:
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer")


def _fixtures():
    from tests.conftest import _make_site

    s = _make_site("S")
    return s


def _mail_ids(folder: Path) -> Counter:
    ids: Counter = Counter()
    for path in folder.glob("*.log"):
        for part in path.read_text(errors="replace").split("-" * 79):
            if part.strip():
                msg = email.message_from_string(part.strip())
                if msg["Message-ID"]:
                    ids[msg["Message-ID"].strip()] += 1
    return ids


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench scaleout")
    ap.add_argument("--orders", type=int, default=20)
    ap.add_argument("--timeout", type=int, default=150, help="seconds for the whole run after start-up")
    ap.add_argument("--s3", action="store_true",
                    help="media in an S3 API server (moto, on 127.0.0.1) instead of a shared folder")
    args = ap.parse_args()
    url = os.environ.get("BENCH_SCALEOUT_DATABASE_URL", DEFAULT_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    dbname = urlparse(url).path.lstrip("/")
    var = Path(tempfile.mkdtemp(prefix="propserv-scaleout-"))
    for sub in ("mail", "media", "cache"):
        (var / sub).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=redis_url, PROPSERV_VAR_DIR=str(var),
               MEDIA_ROOT=str(var / "media"), DJANGO_SETTINGS_MODULE="propserv.settings.base", EMAIL_URL="",
               LOG_LEVEL="WARNING", DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost")
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    moto = None
    if args.s3:
        import boto3
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's request log
        moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        moto.start()
        endpoint = "http://{}:{}".format(*moto.get_host_and_port())
        env.update(AWS_STORAGE_BUCKET_NAME="propserv-scaleout", AWS_S3_ENDPOINT_URL=endpoint,
                   AWS_S3_REGION_NAME="us-east-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench-secret")
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="bench",
                     aws_secret_access_key="bench-secret").create_bucket(Bucket="propserv-scaleout")
        print(f"media in an S3 API server at {endpoint}")
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "PROPSERV_VAR_DIR", "MEDIA_ROOT",
                                           "DJANGO_SETTINGS_MODULE", "EMAIL_URL", "DEBUG", "ALLOWED_HOSTS")})
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    pg(url, "dropdb", "--if-exists", dbname)
    pg(url, "createdb", dbname)
    procs: list[subprocess.Popen] = []
    ok = False
    try:
        import django

        django.setup()
        import redis
        from django.core.management import call_command
        from django.db import connection
        from django.db.models import Count
        from django.utils import timezone

        from core.models import Deadline, Notification
        from core.tasks import deadline_sweep_task
        from tickets.models import Category, WorkOrder

        redis.Redis.from_url(redis_url).flushdb()
        call_command("migrate", verbosity=0)
        s = _fixtures()
        front_desk = s.users["front_desk"]
        connection.close()

        def start(argv, name):
            log = open(var / f"{name}.log", "w")  # noqa: SIM115 (kept open for the process's life)
            procs.append(subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

        ports = [_free_port(), _free_port()]
        webs = [f"http://127.0.0.1:{p}" for p in ports]
        for i, port in enumerate(ports, 1):
            start([sys.executable, "-m", "gunicorn", "propserv.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                   "--threads", "4"], f"web{i}")
        celery = [sys.executable, "-m", "celery", "-A", "propserv"]
        for i in (1, 2):
            start([*celery, "worker", "-n", f"w{i}@%h", "-Q", "deadlines,mail,celery", "--concurrency", "2",
                   "-l", "WARNING"], f"worker{i}")
        start([*celery, "beat", "-l", "WARNING", "-s", str(var / "celerybeat-schedule")], "beat")
        t_start = time.time()
        for web in webs:
            _wait_http(f"{web}/login/", t_start + 60)
        print(f"2 web ({', '.join(webs)}), 2 workers, 1 beat up in {time.time() - t_start:.1f} s")
        t0 = time.time()
        stop_at = t0 + args.timeout

        # 1. one login, both webs
        b = Browser()
        login = b.form(f"{webs[0]}/login/")
        status, _, _ = b.post(f"{webs[0]}/login/", {**login, "username": front_desk.username, "password": PASSWORD},
                              f"{webs[0]}/login/")
        assert status == 302, f"login failed: {status}"
        assert b.get(f"{webs[1]}/tickets/")[0] == 200, "web 2 does not know the session of web 1"

        # 2. registrations alternately through both webs
        drain = Category.objects.get(code="drain").pk
        created: list[tuple[int, int]] = []  # (order id, web index)
        times = []
        for n in range(args.orders):
            web = webs[n % 2]
            fields = b.form(f"{web}/tickets/new/")
            fields.update(unit_code=s.units[n % len(s.units)].code, channel="phone", category=drain,
                          content=f"扩容压测 {n}: 厨房下水道堵塞", reporter_name="李秀英", phone="13800000001")
            t = time.perf_counter()
            status, body, location = b.post(f"{web}/tickets/new/", fields, f"{web}/tickets/new/")
            times.append(time.perf_counter() - t)
            m = re.search(r"/tickets/(\d+)/", location)
            assert status == 302 and m, f"registration {n} through web {n % 2 + 1}: {status} {body[:300]}"
            created.append((int(m.group(1)), n % 2))
        times.sort()
        print(f"{len(created)} orders registered alternately through both webs: median "
              f"{times[len(times) // 2] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
        orders = list(WorkOrder.objects.filter(pk__in=[pk for pk, _ in created]))
        numbers = sorted(o.number for o in orders)
        assert len(set(numbers)) == args.orders, "duplicate order numbers"
        seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
        assert seqs == list(range(seqs[0], seqs[0] + args.orders)), f"numbers not gap-free: {numbers}"

        # 3. each order through the other web
        by_pk = {o.pk: o for o in orders}
        for pk, web_index in created:
            status, html, _ = b.get(f"{webs[1 - web_index]}/tickets/{pk}/")
            assert status == 200 and by_pk[pk].number in html, f"order {pk} not seen by the other web"
        print(f"every order seen through the other web; numbers {numbers[0]} … {numbers[-1]}, unique, gap-free")

        # shared media: the workers render each form ahead into the one storage; both webs serve it
        from tickets.printing import _files, stored_form_dir

        def stored_forms() -> int:
            return sum(1 for pk in by_pk if _files(stored_form_dir(pk)))

        while stored_forms() < len(by_pk) and time.time() < stop_at:
            time.sleep(0.5)
        pdf_ms = []
        for pk, web_index in created:
            t = time.perf_counter()
            req = urllib.request.Request(f"{webs[1 - web_index]}/tickets/{pk}/pdf/")
            with b.opener.open(req, timeout=30) as r:
                assert r.status == 200 and r.read(5) == b"%PDF-", f"order {pk}: no PDF"
            pdf_ms.append((time.perf_counter() - t) * 1000)
        pdf_ms.sort()
        print(f"{stored_forms()} of {len(by_pk)} forms rendered ahead by the workers into the shared storage; "
              f"printed through the other web: median {pdf_ms[len(pdf_ms) // 2]:.0f} ms")

        # 4. the clocks of these orders fall due in a few seconds; extra sweeps race on both workers
        clocks = Deadline.objects.filter(subject_id__in=by_pk, state=Deadline.State.RUNNING)
        due = timezone.now() + timedelta(seconds=4)
        n_clocks = clocks.update(due_at=due)
        ids = list(Deadline.objects.filter(subject_id__in=by_pk, due_at=due).values_list("pk", flat=True))
        assert n_clocks > 0, "no running clocks"
        time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.5)
        for _ in range(8):
            deadline_sweep_task.apply_async()

        # 5. every breach notified exactly once, every email once
        while time.time() < stop_at:
            breached = Deadline.objects.filter(pk__in=ids, state=Deadline.State.BREACHED).count()
            pending = Notification.objects.filter(deadline_id__in=ids, send_email=True, email_sent_at__isnull=True,
                                                  recipient__email__gt="").count()
            if breached == len(ids) and pending == 0 and Notification.objects.filter(deadline_id__in=ids).exists():
                break
            time.sleep(1)
        dl = list(Deadline.objects.filter(pk__in=ids))
        late = sorted((d.breached_at - d.due_at).total_seconds() for d in dl if d.breached_at)
        notices = Notification.objects.filter(deadline_id__in=ids)
        # one notice per (clock, recipient, purpose): the breach notice to the role holders and the
        # order's chase (催办) are two purposes with their own dedupe keys
        dupes = (notices.values("deadline_id", "recipient_id", "dedupe_key").annotate(n=Count("id"))
                 .filter(n__gt=1).count())
        kinds = Counter(k.rsplit(":", 1)[-1] for k in notices.values_list("dedupe_key", flat=True))
        without = len(ids) - notices.values("deadline_id").distinct().count()
        sent = {f"<propserv.notice.{pk}@" for pk in notices.filter(email_sent_at__isnull=False)
                .values_list("pk", flat=True)}
        mail = _mail_ids(var / "mail")
        mailed = Counter({mid: c for mid, c in mail.items() if any(mid.startswith(p) for p in sent)})
        twice = sum(1 for c in mailed.values() if c > 1)
        from celery import current_app

        stats: dict = {}
        for _ in range(3):  # a busy worker may miss one broadcast's reply window
            stats = current_app.control.inspect(timeout=5).stats() or {}
            if len(stats) == 2:
                break
        per_worker = {name.split("@")[0]: sum((st.get("total") or {}).values()) for name, st in stats.items()}
        print(f"{len(ids)} clocks: {len(late)} breached ({late[0]:.1f}–{late[-1]:.1f} s after due)" if late
              else f"{len(ids)} clocks: none breached")
        print(f"{notices.count()} notices {dict(kinds)}: {dupes} duplicated (clock, recipient, purpose), "
              f"{without} clocks without")
        print(f"{len(sent)} notices emailed, {len(mailed)} Message-IDs written, {twice} written more than once")
        print(f"tasks run per worker: {per_worker}")
        ok = (len(late) == len(ids) and dupes == 0 and without == 0 and len(mailed) == len(sent) and twice == 0
              and len(per_worker) == 2)
        print("exactly-once across 2 web + 2 workers:", "PASS" if ok else "FAIL")
        connection.close()
    finally:
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)
        try:
            import redis

            redis.Redis.from_url(redis_url).flushdb()
        except Exception as exc:  # the scratch Redis db is left for the next run to flush
            print("could not flush", redis_url, exc)
        pg(url, "dropdb", "--if-exists", dbname)
        if moto is not None:
            moto.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
