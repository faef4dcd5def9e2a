"""Issue 14.8: the suite builds its database from the models; this test replays the real migration
history (once, in a subprocess) and proves it gives the same tables, columns and seeds."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import run_data_migrations
from tickets.models import Category

ROOT = Path(__file__).resolve().parents[2]


def _project_apps() -> set[str]:
    return {cfg.label for cfg in apps.get_app_configs() if Path(cfg.path).resolve().is_relative_to(ROOT)
            and ".venv" not in Path(cfg.path).parts}


def _migrate(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=f"sqlite:///{db}", DEBUG="true", DJANGO_SETTINGS_MODULE="propserv.settings.base")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True,
                   timeout=900)


@pytest.mark.django_db
def test_migration_history_builds_the_schema_and_seeds_the_suite_uses(tmp_path):
    db = tmp_path / "migrated.sqlite3"
    _migrate(db)
    con = sqlite3.connect(db)
    names = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
             if not t.startswith("sqlite_") and t != "django_migrations"]
    migrated = {t: {row[1] for row in con.execute(f'PRAGMA table_info("{t}")')} for t in names}
    with connection.cursor() as cur:
        built = {t: {c.name for c in connection.introspection.get_table_description(cur, t)}
                 for t in connection.introspection.table_names(cur) if t != "django_migrations"}
    assert set(migrated) == set(built)
    assert {t: cols for t, cols in migrated.items() if cols != built[t]} == {}
    # the seeds of the data migrations are what tests/conftest.py seeds into the model-built database
    seeded = con.execute("SELECT code FROM tickets_category ORDER BY code").fetchall()
    assert sorted(c for (c,) in seeded) == sorted(Category.objects.values_list("code", flat=True))
    assert len(seeded) >= 20
    schedules = con.execute("SELECT count(*) FROM reports_digestschedule").fetchone()[0]
    from reports.models import DigestSchedule

    assert schedules == DigestSchedule.objects.count() > 0
    # every index and constraint the models declare exists in the migrated schema too (the initial
    # migrations create their tables in one step, core/migrations/_operations.py: nothing is lost)
    schema = "\n".join(sql for (sql,) in con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    declared = {obj.name for model in apps.get_models() if model._meta.app_label in _project_apps()
                for obj in (*model._meta.indexes, *model._meta.constraints)}
    assert len(declared) > 100
    assert sorted(name for name in declared if f'"{name}"' not in schema) == []


@pytest.mark.django_db
def test_data_migrations_can_run_again_without_doubling():
    before = Category.objects.count()
    assert run_data_migrations() >= 2
    assert Category.objects.count() == before
