"""Root fixtures: two sites (A and B) with departments, a zone, units, and staff in every role."""

import copy
import os
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import AutoField, DecimalField, IntegerField

from core.roles import Role
from estates.models import Department
from tests.factories import (
    BuildingFactory,
    CompanyFactory,
    DepartmentFactory,
    ResidentFactory,
    SiteFactory,
    UnitFactory,
    ZoneFactory,
    make_staff,
)


def pytest_runtest_setup(item):
    """PostgreSQL-only tests: skipped on SQLite locally, but never in CI (they fail there instead)."""
    if "postgres" not in item.keywords:
        return
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must run PostgreSQL-only tests on PostgreSQL; DATABASE_URL is not PostgreSQL")
    pytest.skip("needs PostgreSQL (set DATABASE_URL); runs in CI")


# The longest tests (measured with --durations, issue 14.8), started first: xdist hands tests out in
# collection order, so these spread over the workers from the start instead of ending the run on one.
STARTED_FIRST = (
    "tests/project/test_migrations.py::test_migration_history",
    "tests/project/test_no_english.py",
    "tests/tickets/test_demo_approvals.py",
    "tests/core/test_actions_enforced.py",
    "tests/fees/test_demo.py",
    "tests/e2e/",
    "tests/project/test_deployment.py",
    "tests/core/test_workers.py",
    "tests/reports/test_annual.py",
    "tests/fees/test_bank_and_property.py",
)


def pytest_itemcollected(item):
    """The group "demo": with `--dist loadgroup` (bin/test) the tests that read the demo data (`demo_db`)
    run on one worker, which builds the demo once (issue 14.8)."""
    if "demo_db" in getattr(item, "fixturenames", ()):
        item.add_marker(pytest.mark.xdist_group("demo"))


def _django_order(item) -> int:
    """pytest-django's grouping, kept: tests in a rolled-back transaction first, then the transactional
    ones (they end by emptying the tables), then the tests without a database."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return 0 if issubclass(cls, TestCase) else 1
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))) or (
            {"transactional_db", "live_server"} & fixtures):
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def _name_groups(items) -> None:
    """In an xdist worker with `--dist loadgroup`: the group suffix (`…@demo`) the controller schedules by.
    pytest-xdist 3.8 writes it to `item._nodeid`, which pytest 9 no longer reads (the id is `item._id`), so
    without this the group was silently ignored and each worker built the demo."""
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid.rsplit("::", 1)[-1]:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    def rank(item) -> tuple[int, int]:
        first = next((i for i, prefix in enumerate(STARTED_FIRST) if item.nodeid.startswith(prefix)),
                     len(STARTED_FIRST))
        return _django_order(item), first

    if getattr(config.option, "loadgroup", False):
        _name_groups(items)
    items.sort(key=rank)  # stable: the others keep their order


def run_data_migrations() -> int:
    """The seeds that live in data migrations (categories, price list, mailing times…), run against a
    database built from the models. Every RunPython of the project's migrations runs in graph order,
    so a seed added in a new migration is seeded here too; fix-ups of old rows find none."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    project = {cfg.label for cfg in apps.get_app_configs() if not cfg.name.startswith("django.")
               and os.path.abspath(cfg.path).startswith(os.path.dirname(os.path.dirname(__file__)))}
    ran = 0
    editor = SimpleNamespace(connection=connection)
    for key in _plan(loader):
        if key[0] not in project:
            continue
        for op in loader.graph.nodes[key].operations:
            if isinstance(op, RunPython):
                op.code(apps, editor)
                ran += 1
    return ran


def _plan(loader) -> list:
    seen, plan = set(), []
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                plan.append(key)
    return plan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Issue 14.8: the test database comes from the models, then the data migrations' seeds run once."""
    from django.conf import settings

    with django_db_blocker.unblock():
        if not settings.DATABASES["default"].get("TEST", {}).get("MIGRATE", True):
            run_data_migrations()
        _SITES.build()


@pytest.fixture(scope="session")
def _demo_template(django_db_setup, django_db_blocker):
    """The demo, built once per test database on the first test that asks for it (see `demo_db`)."""
    with django_db_blocker.unblock():
        _DEMO.build()
    return _DEMO


@pytest.fixture
def demo_db(_demo_template, db):
    """The demo data in this test's database: `seed_demo` with the demo estates at a tenth of their size
    (3 buildings, 2 entrances, 3 floors, 2 rooms a floor), every app's demo records. Built once per test
    database and its rows inserted again per test (issue 14.8), as `site_a` does; the tests that ask for
    it run on one xdist worker (group "demo", see `pytest_itemcollected`), so the demo is built once."""
    _demo_template.load()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language. LocaleMiddleware activates a request's language in
    the thread and never resets it, so a test client request with `Accept-Language: en` would leave
    the next test (and any text it stores, e.g. the demo's escalation reasons) in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool((marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames)))


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test (threads, live server) ends by emptying every table, seeds included; the
    next one gets the seeds back (pytest-django runs these after all the others)."""
    if _transactional(request):
        request.getfixturevalue("transactional_db")
        run_data_migrations()
        _SITES.templates.clear()  # the seeds have new ids now: sites are built row by row again
        _DEMO.rows = None  # and the demo is seeded again by the test that asks for it


def _make_site(label: str):
    site = SiteFactory(name=f"{label}小区", code=f"T{label}")
    zone = ZoneFactory(site=site, name=f"{label}一片区")
    building = BuildingFactory(site=site, zone=zone, number="3")
    units = [UnitFactory(building=building, site=site, entrance="2", room=room, code=f"3-2-{room}",
                         floor=int(room[:-2])) for room in ("1501", "1502", "1601")]
    residents = [ResidentFactory(unit=u, site=site) for u in units]
    depts = {kind: DepartmentFactory(site=site, kind=kind, name=f"{label}{kind.label}")
             for kind in (Department.Kind.CUSTOMER_SERVICE, Department.Kind.ENGINEERING, Department.Kind.SECURITY,
                          Department.Kind.CLEANING, Department.Kind.GREENING, Department.Kind.FINANCE)}
    dept_for_role = {Role.DEPT_SUPERVISOR: depts[Department.Kind.ENGINEERING],
                     Role.DEPT_STAFF: depts[Department.Kind.ENGINEERING],
                     Role.SECURITY_SUPERVISOR: depts[Department.Kind.SECURITY],
                     Role.SECURITY_OFFICER: depts[Department.Kind.SECURITY],
                     Role.FINANCE: depts[Department.Kind.FINANCE]}
    staff = {}
    for role in Role:
        if role in (Role.COMPANY_LEADER, Role.EXECUTIVE):
            continue
        dept = dept_for_role.get(role, depts[Department.Kind.CUSTOMER_SERVICE])
        staff[role.value] = make_staff(site, role, department=dept,
                                       zone=zone if role in (Role.ZONE_STAFF, Role.ZONE_MANAGER) else None,
                                       username=f"{label.lower()}_{role.value}")
    zone.manager = staff[Role.ZONE_MANAGER.value]
    zone.save()
    return SimpleNamespace(site=site, zone=zone, building=building, units=units, residents=residents,
                           depts=depts, staff=staff, users={k: s.user for k, s in staff.items()})


class _SiteTemplates:
    """Sites A and B are built once per test database (issue 14.8): in the session's setup, inside a
    transaction that is rolled back, their rows (every row of every table the build made) are read
    back; a test asking for site_a inserts those rows again (a handful of INSERTs instead of ~300
    queries) and gets its own copies of the objects. The ids are the same in every test (sequences
    never hand them out again), so the caches keyed by id are emptied first. Time-dependent defaults
    (created, joined…) are taken again at insert time, as a build under a frozen clock would. After a
    transactional test has flushed the tables, or when a build made rows this cannot replay, the
    sites are built with the factories as before."""

    def __init__(self) -> None:
        self.templates: dict[str, tuple[list, list, SimpleNamespace]] = {}

    @staticmethod
    def _models() -> list:
        from django.apps import apps

        return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]

    def _marks(self, models) -> dict | None:
        from django.db.models import Max

        marks = {}
        for model in models:
            pk = model._meta.pk
            if pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"):
                marks[model] = model._base_manager.aggregate(m=Max(pk.attname))["m"] or 0
            else:
                marks[model] = ("count", model._base_manager.count())
        return marks

    def _rows_since(self, models, before: dict) -> list | None:
        rows = []
        for model in models:
            mark = before[model]
            if isinstance(mark, tuple):
                if model._base_manager.count() != mark[1]:
                    return None  # rows without an integer id: not replayable
                continue
            new = list(model._base_manager.filter(pk__gt=mark).order_by("pk"))
            if new:
                rows.append((model, new))
        return rows

    def build(self) -> None:
        from django.contrib.auth.models import Group
        from django.db import transaction

        self.templates.clear()
        models = self._models()
        built: dict[str, tuple[list, list, SimpleNamespace]] = {}
        with transaction.atomic():
            marks = self._marks(models)
            CompanyFactory()
            for role in Role:
                Group.objects.get_or_create(name=str(role))
            base = self._rows_since(models, marks)
            for label in ("A", "B"):
                marks = self._marks(models)
                ns = _make_site(label)
                rows = self._rows_since(models, marks)
                if base is None or rows is None:
                    transaction.set_rollback(True)
                    return
                built[label] = (base, rows, copy.deepcopy(ns))
            transaction.set_rollback(True)
        if connection.vendor == "sqlite":  # rolled back: keep autoincrement past the templates' ids
            with connection.cursor() as cur:
                for base_rows, rows, _ns in built.values():
                    for model, objs in base_rows + rows:
                        top = max(o.pk for o in objs)
                        cur.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                                    [top, model._meta.db_table])
                        if not cur.rowcount:
                            cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                                        [model._meta.db_table, top])
        self.templates.update(built)

    def site(self, label: str) -> SimpleNamespace:
        from django.core.cache import cache
        from django.db.models import DateField
        from django.utils import timezone

        from core.calendar_source import calendar_changed, site_hours_changed

        if label not in self.templates:
            return _make_site(label)
        base, rows, template = self.templates[label]
        fresh: dict[tuple, dict] = {}
        for shared, (model, objs) in [(True, r) for r in base] + [(False, r) for r in rows]:
            timed = [f for f in model._meta.local_concrete_fields if isinstance(f, DateField)
                     and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                          or (f.has_default() and callable(f.default)) or f.name == "history_date")]
            copies = []
            for obj in objs:
                c = copy.copy(obj)
                c._state = copy.copy(obj._state)
                c._state.fields_cache = {}
                for f in timed:
                    if f.name == "history_date":  # simple-history stamps its rows with the save's time
                        setattr(c, f.attname, timezone.now())
                    else:
                        setattr(c, f.attname, f.get_default() if f.has_default() else f.pre_save(c, True))
                if timed:
                    fresh[(model, obj.pk)] = {f.attname: getattr(c, f.attname) for f in timed}
                copies.append(c)
            existing = set()
            if shared:  # the company and the role groups: the other site (or the test) may have them
                existing = set(model._base_manager.filter(pk__in=[c.pk for c in copies])
                               .values_list("pk", flat=True))
            copies = [c for c in copies if c.pk not in existing]
            if copies:
                model._base_manager._insert(copies, fields=model._meta.local_concrete_fields, raw=True)
        cache.clear()  # the auth cache and the calendar's version are keyed by these ids
        calendar_changed()
        ns = copy.deepcopy(template)
        for obj in _instances(ns):
            for attname, value in fresh.get((type(obj), obj.pk), {}).items():
                setattr(obj, attname, value)
        site_hours_changed(instance=ns.site)
        return ns


def _instances(ns: SimpleNamespace) -> list:
    from django.db.models import Model

    out, seen, todo = [], set(), [v for v in vars(ns).values()]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, list | tuple):
            todo.extend(v)
        elif isinstance(v, Model) and id(v) not in seen:
            seen.add(id(v))
            out.append(v)
            todo.extend(v._state.fields_cache.values())
    return out


_SITES = _SiteTemplates()


def _insert_rows(rows: list) -> None:
    """Insert template rows again, as they were (ids included), in batches the database accepts."""
    for model, objs in rows:
        fields = model._meta.local_concrete_fields
        size = connection.ops.bulk_batch_size(fields, objs) or len(objs)
        for i in range(0, len(objs), size):
            model._base_manager._insert(objs[i:i + size], fields=fields, raw=True)


def _small_demo_sites() -> list:
    """The demo estates at a tenth of their size (3 buildings, 2 entrances, 3 floors, 2 rooms a floor):
    every kind of record the demo makes, a fraction of the rows."""
    from estates import demo as estates_demo

    return [(*s[:4], 3, 2, 3, 2) for s in estates_demo.SITES]


class _DemoTemplate:
    """The demo (`seed_demo`, estates at a tenth of their size) built once per test database (issue 14.8).

    Seeding runs ~360 work orders and every app's records through the services (tens of thousands of
    queries); the demo tests only read the result. So it is seeded once, in a transaction that is
    rolled back, its new rows (every table) are kept, and each test that asks for `demo_db` inserts them
    again (one INSERT per table and batch). The rows are the demo's own: times stay as seeded. The build
    proves the demo changed no row that existed before it (reference data), else it is not replayed and
    each test seeds the demo itself, as after a transactional test has emptied the tables."""

    def __init__(self) -> None:
        self.rows: list | None = None
        self.built = False

    @staticmethod
    def _seed() -> None:
        import io

        from django.core.management import call_command

        from estates import demo as estates_demo

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(estates_demo, "SITES", _small_demo_sites())
            call_command("seed_demo", stdout=io.StringIO())

    @staticmethod
    def _before(models) -> dict:
        """Every row that exists before the demo (reference data), per table: (pks, the rows' values)."""
        return {model: (set(model._base_manager.values_list("pk", flat=True)),
                         repr(list(model._base_manager.order_by("pk").values_list()))) for model in models}

    @staticmethod
    def _new_rows(models, before: dict) -> list | None:
        """The rows the demo made, per table; None when it changed a row that was there before."""
        rows = []
        for model in models:
            pks, values = before[model]
            old = model._base_manager.filter(pk__in=pks) if pks else model._base_manager.none()
            if repr(list(old.order_by("pk").values_list())) != values:
                return None
            new = list(model._base_manager.exclude(pk__in=pks).order_by("pk"))
            if new:
                rows.append((model, new))
        return rows

    @staticmethod
    def _values(model) -> str:
        """A summary table's rows without their ids; a row of zeros (what is left once everything is
        paid) counts as no row."""
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
        amounts = [i for i, f in enumerate(fields) if not f.is_relation and isinstance(f, DecimalField | IntegerField)]
        rows = model._base_manager.values_list(*[f.attname for f in fields])
        return repr(sorted(repr(r) for r in rows if not amounts or any(r[i] for i in amounts)))

    def build(self) -> None:
        from django.db import transaction
        from django.utils import translation

        if self.built:
            return
        self.built = True
        models = _SITES._models()
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            before = self._before(models)
            self._seed()
            rows = self._new_rows(models, before)
            by_triggers = self._by_triggers()
            made = {m: self._values(m) for m, _o in rows or () if m._meta.db_table in by_triggers}
            transaction.set_rollback(True)
        if rows is None:
            return
        with transaction.atomic():  # proves the triggers make their tables again as the demo left them
            _insert_rows([(m, objs) for m, objs in rows if m not in made])
            if any(self._values(m) != v for m, v in made.items()):
                rows = None
            transaction.set_rollback(True)
        if rows is not None and connection.vendor == "sqlite":
            _keep_sqlite_ids(rows)
        self.rows = None if rows is None else [(m, objs) for m, objs in rows if m not in made]

    @staticmethod
    def _by_triggers() -> set[str]:
        """Tables the database's own triggers write (fees' arrears summaries, PostgreSQL): inserting the
        bills again writes them again, so their rows are not inserted twice."""
        if connection.vendor != "postgresql":
            return set()
        with connection.cursor() as cur:
            cur.execute("SELECT p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal")
            bodies = " ".join(r[0] for r in cur.fetchall()).lower()
        return {m._meta.db_table for m in _SITES._models() if f"insert into {m._meta.db_table} " in bodies}

    def load(self) -> None:
        from django.core.cache import cache

        from core.calendar_source import calendar_changed

        if self.rows is None:
            self._seed()
            return
        _insert_rows(self.rows)
        cache.clear()  # caches keyed by ids the demo's rows reuse
        calendar_changed()


def _keep_sqlite_ids(rows: list) -> None:
    """Rolled back on SQLite: keep autoincrement past the template's ids (PostgreSQL's sequences stay)."""
    with connection.cursor() as cur:
        for model, objs in rows:
            if not isinstance(model._meta.pk, AutoField):
                continue
            top = max(o.pk for o in objs)
            cur.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, model._meta.db_table])
            if not cur.rowcount:
                cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [model._meta.db_table, top])


_DEMO = _DemoTemplate()


@pytest.fixture
def site_a(request, db):
    return _SITES.site("A") if not _transactional(request) else _make_site("A")


@pytest.fixture
def site_b(request, db):
    return _SITES.site("B") if not _transactional(request) else _make_site("B")


@pytest.fixture
def company_staff(db):
    return SimpleNamespace(leader=make_staff(None, Role.COMPANY_LEADER, username="company_leader"),
                           executive=make_staff(None, Role.EXECUTIVE, username="executive"))


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
