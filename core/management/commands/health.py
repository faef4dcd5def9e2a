"""`manage.py health [--scope all|web|sweep]`: print the health report as JSON, exit 1 when red.

Used by the docker-compose healthchecks: beat is healthy while sweeps are recorded (`--scope sweep`).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core.health import check_sweep, health_report


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Health of database, broker, workers and the deadline sweep; exit status 1 when red."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scope", choices=["all", "web", "sweep"], default="all")

    def handle(self, *args, scope: str, **options) -> None:
        report = {"checks": {"sweep": check_sweep()}} if scope == "sweep" else health_report(scope=scope)
        report["ok"] = all(c["ok"] for c in report["checks"].values())
        self.stdout.write(json.dumps(report, ensure_ascii=False))
        if not report["ok"]:
            raise CommandError("unhealthy")
