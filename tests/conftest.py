"""Root fixtures: two sites (A and B) with departments, a zone, units, and staff in every role."""

import os
from types import SimpleNamespace

import pytest
from django.db import connection

from core.roles import Role
from estates.models import Department
from tests.factories import (
    BuildingFactory,
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

    if not settings.DATABASES["default"].get("TEST", {}).get("MIGRATE", True):
        with django_db_blocker.unblock():
            run_data_migrations()


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


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test (threads, live server) ends by emptying every table, seeds included; the
    next one gets the seeds back (pytest-django runs these after all the others)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server"} & set(request.fixturenames))
    if transactional:
        request.getfixturevalue("transactional_db")
        run_data_migrations()


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


@pytest.fixture
def site_a(db):
    return _make_site("A")


@pytest.fixture
def site_b(db):
    return _make_site("B")


@pytest.fixture
def company_staff(db):
    return SimpleNamespace(leader=make_staff(None, Role.COMPANY_LEADER, username="company_leader"),
                           executive=make_staff(None, Role.EXECUTIVE, username="executive"))


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
