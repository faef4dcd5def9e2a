"""Issue 14.3 / 14.4: the layering tells the truth. Imports point down: domain apps → reports (the
section registry) → estates → core; core knows no domain app, reports holds no domain section."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = [a for a in settings.INSTALLED_APPS if "." not in a and (ROOT / a).is_dir()]


def imported_apps(folder: str) -> dict[str, set[str]]:
    """{file: project apps it imports}, every import in the file (top level or not), migrations left out."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
        apps = names & set(PROJECT_APPS + ["propserv"]) - {folder}
        if apps:
            found[str(path.relative_to(ROOT))] = apps
    return found


def test_core_imports_no_domain_app():
    # issue 14.3: roles live in core; site scope and office hours are provided by estates at start-up
    assert imported_apps("core") == {}


def test_reports_imports_no_domain_app():
    # issue 14.4: each app owns its sections; reports is the registry and the layout
    allowed = {"core", "estates"}
    assert {f: apps - allowed for f, apps in imported_apps("reports").items() if apps - allowed} == {}


def _names_domain_code(value: str, domain: list[str]) -> bool:
    """A URL name ("tickets:order_list") or a dotted path to a module of a domain app ("reports.nav.x");
    policy codes such as "ticket.callback" are data, not code."""
    for app in domain:
        if value.startswith(f"{app}:"):
            return True
        if value.startswith(f"{app}.") and (ROOT / app / f"{value.split('.')[1]}.py").exists():
            return True
    return False


def test_no_domain_app_names_in_core_code():
    # issue 14.3: no domain URL names or module paths in core; each app's nav.py declares its landing page
    domain = [a for a in PROJECT_APPS if a != "core"]
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _names_domain_code(
                    node.value, domain):
                offenders.append(f"{path.name}: {node.value}")
    assert offenders == []


@pytest.mark.django_db
def test_every_section_lives_in_its_own_app():
    from reports import registry

    modules = {type(s).__module__ for s in registry.sections()}
    assert modules and all(m.endswith(".report_sections") for m in modules)
    assert {"tickets.report_sections", "complaints.report_sections", "callbacks.report_sections",
            "keys.report_sections", "surveys.report_sections", "reports.report_sections"} <= modules
    assert not (ROOT / "reports" / "sections").exists()
