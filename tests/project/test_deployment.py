"""The production files stay true to the code (issue: foundation)."""

import importlib
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import current_app
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _argv(command) -> list[str]:
    if isinstance(command, list):
        return command
    return shlex.split(command)


def test_compose_has_the_production_services_with_health_checks_and_volumes():
    compose = _compose()
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}
    for name, svc in compose["services"].items():
        assert "healthcheck" in svc, name
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


def _check_command(argv: list[str]) -> None:
    """Every program a service starts points at something that exists in the code."""
    if argv[:2] == ["sh", "-c"]:
        for part in argv[2].split("&&"):
            _check_command(shlex.split(part.strip()))
        return
    if argv[0] == "gunicorn":
        module, _, attr = argv[1].partition(":")
        assert hasattr(importlib.import_module(module), attr or "application"), argv
    elif argv[0] == "celery":
        assert argv[1] == "-A"
        app = importlib.import_module(argv[2]).celery_app
        assert app.main == "propserv"
        assert argv[3] in {"worker", "beat", "inspect"}
    elif argv[:2] == ["python", "manage.py"]:
        assert argv[2] in get_commands(), argv
    else:
        raise AssertionError(f"unknown program in compose: {argv}")


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_commands_point_at_code(service):
    _check_command(_argv(_compose()["services"][service]["command"]))


def test_dockerfile_default_command_exists():
    text = (ROOT / "Dockerfile").read_text()
    cmd = next(line for line in text.splitlines() if line.startswith("CMD"))
    _check_command(yaml.safe_load(cmd[3:].strip()))


def test_procfile_matches_the_three_processes():
    procs = dict(line.split(":", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.strip())
    assert set(procs) == {"web", "worker", "beat"}
    assert "propserv.wsgi" in procs["web"] and "worker" in procs["worker"] and "beat" in procs["beat"]


def test_every_beat_entry_names_a_registered_task():
    from django.conf import settings

    current_app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in current_app.tasks, f"beat entry {name}: no task {entry['task']}"


def _clean_env() -> dict:
    # the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_deploy_check_passes_with_production_variables():
    env = {**_clean_env(), "DJANGO_SETTINGS_MODULE": "propserv.settings.base", "DEBUG": "false",
           "SECRET_KEY": "x" * 20 + "-prod-" + "y" * 40, "ALLOWED_HOSTS": "propserv.example.com",
           "SECURE_SSL_REDIRECT": "true", "SESSION_COOKIE_SECURE": "true", "CSRF_COOKIE_SECURE": "true",
           "SECURE_HSTS_SECONDS": "31536000", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
           "SECURE_HSTS_PRELOAD": "true", "BEHIND_PROXY": "true"}
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_deploy_check_fails_with_the_development_defaults():
    env = {k: v for k, v in _clean_env().items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "propserv.settings.base"
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "security.W" in out.stdout + out.stderr
