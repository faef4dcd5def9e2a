"""Demo data for every app, idempotent: each app's `<app>/demo.py` has `seed(*, now, stdout)`.

Apps seed in INSTALLED_APPS order (estates first), each skipping what it already made.
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from estates.models import Company


class Command(BaseCommand):
    help = "Load the demo company, two sites and every app's demo records (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Do nothing if demo data was loaded before.")

    def handle(self, *args, **options) -> None:

        if options["once"] and Company.objects.exists():
            self.stdout.write("demo data already loaded")
            return
        now = timezone.now()
        for app in [a for a in settings.INSTALLED_APPS if "." not in a]:
            try:
                demo = import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            # demo orders are history: their forms render when printed, not all at once in the worker
            with override_settings(PROPSERV_PDF_PRERENDER=False), transaction.atomic():
                demo.seed(now=now, stdout=self.stdout)
            self.stdout.write(f"demo: {app} done")
