"""Zone-ranking benchmark (issue 18, SPEC A-02 with D-01): the monthly-report data set of
`bench.reports` (1,000,000 work orders, 100,000 complaints, 100,000 callbacks, one site with 5 zones)
plus 20,000 inspections over two years, on a scratch PostgreSQL database.

    python -m bench inspections [--orders 1000000] [--complaints 100000] [--inspections 20000] [--runs 15] [--keep]

Times drafting every zone's ranking (and self-assessment) of last month (`ranking_draft`, median of
--runs re-drafts), computing it live for the dashboard, and the dashboard page with the ranking
section (median of --runs after a warm-up). Targets: drafting < 2 s, dashboard < 200 ms.
Database: propserv_bench_inspections (override with BENCH_DATABASE_URL); dropped unless --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import urlparse

from bench.common import pg, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/propserv_bench_inspections"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--complaints", type=int, default=100_000)
    ap.add_argument("--callbacks", type=int, default=100_000)
    ap.add_argument("--inspections", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
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
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.reports import _bulk_insert, _fixtures, _load
    from inspections.models import ChecklistTemplate, Inspection
    from inspections.services import ranking_draft, zone_scores_compute

    settings.ALLOWED_HOSTS = ["*"]
    site, zones, depts, units, user, staff = _fixtures()
    for k, v in _load(args, site, zones, depts, units, staff).items():
        print(f"load {k}: {v:.1f} s")
    template = ChecklistTemplate.objects.order_by("pk").first()
    n = args.inspections
    span = f"((({n} - g)::bigint * 730 * 1440) / {n})"
    arr = "ARRAY[{}]::bigint[]"
    t = _bulk_insert(Inspection, n, {
        "site_id": "%(site)s", "number": "'XJB' || g",
        "kind": "(ARRAY['cs_zone','zone_manager','company','zone_team'])[g %% 4 + 1]",
        "template_id": str(template.pk),
        "zone_id": f"({arr.format(','.join(str(z.pk) for z in zones))})[g %% 5 + 1]",
        "inspector_id": str(user.pk),
        "inspected_at": f"now() - interval '1 minute' * {span}",
        "score": "60 + (g %% 41)", "failed_count": "(g %% 3)",
    }, {"site": site.pk})
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE inspections_inspection")
    print(f"load inspections: {t:.1f} s")

    now = timezone.now()
    month = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
    runs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        row = ranking_draft(site=site, month=month, now=now)
        runs.append(time.perf_counter() - t0)
    scores = list(row.scores.order_by("rank").values_list("zone__name", "valid_complaints", "praise", "final"))
    print(f"ranking draft {month:%Y-%m}, {len(zones)} zones: median {statistics.median(runs) * 1000:.0f} ms, "
          f"max {max(runs) * 1000:.0f} ms ({args.runs} runs); ranking: {scores}")
    live = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        zone_scores_compute(site_ids=[site.pk], month=month)
        live.append(time.perf_counter() - t0)
    print(f"live ranking figures (dashboard before the draft): median {statistics.median(live) * 1000:.0f} ms")

    client = Client()
    client.force_login(user)
    url = reverse("reports:dashboard")
    assert client.get(url).status_code == 200
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    assert "zone_ranking" in resp.content.decode() or resp.status_code == 200
    print(f"dashboard page with the ranking: median {statistics.median(times):.0f} ms, min {min(times):.0f}, "
          f"max {max(times):.0f} ({args.runs} runs)")
    from reports import registry

    section = registry.get_section("inspections")
    t0 = time.perf_counter()
    section.dashboard(site_ids=[site.pk], now=now)
    print(f"  dashboard section inspections: {(time.perf_counter() - t0) * 1000:.0f} ms")
    ok = statistics.median(runs) < 2 and statistics.median(times) < 200
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
