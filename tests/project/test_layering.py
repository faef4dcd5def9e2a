"""Issue 14.3 / 14.4: the layering tells the truth. Imports point down: domain apps → reports (the
section registry) → estates → core; core knows no domain app, reports holds no domain section; a domain
app reads another through its selectors (and writes through its services), never its models."""

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


# the foundation every app may read directly: roles and site scope (core), sites, units and staff (estates)
FOUNDATION = {"core", "estates"}
# {file: {app whose models it imports}}: the justified exceptions, each with its reason
MODEL_IMPORTS_ALLOWED: dict[str, set[str]] = {}


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """The imports under `if TYPE_CHECKING:` (a type named in an annotation, nothing run)."""
    return {node for block in ast.walk(tree) if isinstance(block, ast.If)
            and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
            for stmt in block.body for node in ast.walk(stmt)}


def _models_of_other_apps(app: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = _type_checking_only(tree)
    modules: set[str] = set()
    for node in ast.walk(tree):
        if node in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from tickets import models`
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return {m.split(".")[0] for m in modules if len(m.split(".")) > 1 and m.split(".")[1] == "models"
            and m.split(".")[0] in PROJECT_APPS and m.split(".")[0] not in FOUNDATION | {app}}


def test_apps_read_each_other_through_selectors():
    # issue 14.3: no app imports another domain app's models outside its own models (a ForeignKey target),
    # migrations, demo data and tests; it reads through the owner's selectors, writes through its services
    found = {}
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT / app)
            if rel.parts[0] in ("migrations", "models", "tests") or rel.name in ("models.py", "demo.py"):
                continue
            apps = _models_of_other_apps(app, path)
            if apps:
                found[str(path.relative_to(ROOT))] = apps
    assert found == MODEL_IMPORTS_ALLOWED


def test_the_model_import_rule_sees_what_it_forbids(tmp_path):
    # the rule above can fail: a model import, plain or aliased, is seen; a TYPE_CHECKING one is not
    source = tmp_path / "x.py"
    source.write_text("from typing import TYPE_CHECKING\nfrom tickets.models import WorkOrder\n"
                      "import complaints.models as cm\nfrom estates.models import Unit\n"
                      "if TYPE_CHECKING:\n    from keys.models import KeyDeposit\n", encoding="utf-8")
    assert _models_of_other_apps("portal", source) == {"tickets", "complaints"}


@pytest.mark.django_db
def test_every_section_lives_in_its_own_app():
    from reports import registry

    modules = {type(s).__module__ for s in registry.sections()}
    assert modules and all(m.endswith(".report_sections") for m in modules)
    assert {"tickets.report_sections", "complaints.report_sections", "callbacks.report_sections",
            "keys.report_sections", "surveys.report_sections", "reports.report_sections"} <= modules
    assert not (ROOT / "reports" / "sections").exists()
