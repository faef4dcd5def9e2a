"""The production files stay true to the code (issue: foundation)."""

import importlib
import os
import re
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
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "worker-deadlines", "worker-mail", "beat"}
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


@pytest.mark.parametrize("service", ["web", "worker", "worker-deadlines", "worker-mail", "beat"])
def test_compose_commands_point_at_code(service):
    _check_command(_argv(_compose()["services"][service]["command"]))


def test_dockerfile_default_command_exists():
    text = (ROOT / "Dockerfile").read_text()
    cmd = next(line for line in text.splitlines() if line.startswith("CMD"))
    _check_command(yaml.safe_load(cmd[3:].strip()))


def _queues(argv: list[str]) -> set[str]:
    return set(argv[argv.index("-Q") + 1].split(",")) if "-Q" in argv else {"celery"}


def test_procfile_matches_the_processes():
    procs = dict(line.split(":", 1) for line in (ROOT / "Procfile.dev").read_text().splitlines() if line.strip())
    assert set(procs) == {"web", "worker", "deadlines", "mail", "beat"}
    assert "propserv.wsgi" in procs["web"] and "beat" in procs["beat"]
    assert all(" worker " in procs[name] for name in ("worker", "deadlines", "mail"))


# issue 13.13: every queue a task is routed to has its workers, in make run and in compose
def test_every_queue_has_a_worker():
    from django.conf import settings

    queues = {settings.CELERY_TASK_DEFAULT_QUEUE} | {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
    procfile = [shlex.split(line.split(":", 1)[1]) for line in (ROOT / "Procfile.dev").read_text().splitlines()
                if line.strip()]
    compose = [_argv(svc["command"]) for svc in _compose()["services"].values() if "command" in svc]
    for commands in (procfile, compose):
        served = set().union(*(_queues(argv) for argv in commands if "worker" in argv))
        assert queues <= served, queues - served
    beats = [argv for argv in compose if "beat" in argv]
    assert len(beats) == 1  # exactly one beat


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
    env.update(DJANGO_SETTINGS_MODULE="propserv.settings.base", DEBUG="true")
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "security.W" in out.stdout + out.stderr


# --- issue 13.8: deployment posture -------------------------------------------------------------

_VAR = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def _interpolate(value: str, given: dict) -> str:
    """Compose's variable substitution: ${X}, ${X:-default}, ${X:?error} (the error raises)."""
    def one(m):
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if given.get(name):
            return given[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name}: {arg}")
        return arg if op else ""
    return _VAR.sub(one, value.replace("$$", "\0")).replace("\0", "$")


def _service_env(service: str, given: dict) -> dict:
    env = _compose()["services"][service].get("environment") or {}
    return {k: _interpolate(str(v), given) for k, v in env.items()}


PROD_INPUT = {"SECRET_KEY": "k" * 20 + "-compose-test-" + "z" * 30, "POSTGRES_PASSWORD": "pw-from-dotenv",
              "ALLOWED_HOSTS": "propserv.example.com", "SITE_URL": "https://propserv.example.com"}


def _isolated_env(tmp_path, **extra) -> dict:
    """The production settings with nothing from this checkout: no var/secret_key, no .env."""
    env = {k: v for k, v in _clean_env().items()
           if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}}
    env.update(DJANGO_SETTINGS_MODULE="propserv.settings.base", PROPSERV_VAR_DIR=str(tmp_path),
               PROPSERV_ENV_FILE=str(tmp_path / "no.env"), **extra)
    return env


def _manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


# issue 13.8: the compose file's own environment passes `check --deploy`
def test_compose_environment_passes_the_deploy_check(tmp_path):
    web = _service_env("web", PROD_INPUT)
    assert web["DEBUG"] == "false" and web["BEHIND_PROXY"] == "true"
    env = _isolated_env(tmp_path, **web)
    out = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert out.returncode == 0, out.stdout + out.stderr
    # the same variables for every process of the image
    assert _service_env("worker", PROD_INPUT) == web == _service_env("beat", PROD_INPUT)


# issue 13.8: no password written in the compose file; the secrets are required variables
def test_compose_holds_no_password():
    compose = _compose()
    for name, svc in compose["services"].items():
        for key, value in (svc.get("environment") or {}).items():
            value = str(value)
            if any(word in key for word in ("PASSWORD", "SECRET")):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", value), (name, key, value)
            for password in re.findall(r"://[^:/@]+:([^@]*)@", value):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", password), (name, key, value)
    given = dict(PROD_INPUT)
    assert _service_env("postgres", given)["POSTGRES_PASSWORD"] == "pw-from-dotenv"
    assert "propserv:pw-from-dotenv@postgres" in _service_env("web", given)["DATABASE_URL"]
    for required in ("POSTGRES_PASSWORD", "SECRET_KEY"):
        with pytest.raises(KeyError):
            _service_env("web", {k: v for k, v in given.items() if k != required})
    example = (ROOT / ".env.example").read_text()
    for var in ("SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "SITE_URL"):
        assert re.search(rf"^{var}=", example, re.M), var
    assert re.search(r"^SECRET_KEY=$", example, re.M) and re.search(r"^POSTGRES_PASSWORD=$", example, re.M)
    assert ".env" in (ROOT / ".gitignore").read_text().split()


# issue 13.8: the web port is published for a proxy on the host only, by default
def test_compose_publishes_web_on_loopback_by_default():
    (port,) = _compose()["services"]["web"]["ports"]
    assert _interpolate(port, {}) == "127.0.0.1:8000:8000"


# issue 13.8: production (DEBUG false) refuses to start without a real SECRET_KEY
@pytest.mark.parametrize("key", [None, "short-key", "django-insecure-" + "a1b2c3" * 10,
                                 "dev-only-insecure-key-change-me-in-production-0123456789", "x" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    env = _isolated_env(tmp_path, DEBUG="false")
    if key is not None:
        env["SECRET_KEY"] = key
    out = _manage(env, "check")
    assert out.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is missing or not a real secret" in out.stderr


def test_a_real_key_a_checkout_key_file_or_debug_start(tmp_path):
    assert _manage(_isolated_env(tmp_path, DEBUG="false", SECRET_KEY=PROD_INPUT["SECRET_KEY"]), "check").returncode == 0
    assert _manage(_isolated_env(tmp_path, DEBUG="true"), "check").returncode == 0  # development only
    (tmp_path / "secret_key").write_text("checkout-" + "q1w2e3r4t5" * 5 + "\n")  # written by bin/bootstrap
    out = _manage(_isolated_env(tmp_path, DEBUG="false"), "check")
    assert out.returncode == 0, out.stderr


# issue 13.8: the image is built without secrets: build-time commands run as development, and neither
# the checkout's key file (var/) nor a .env is copied in
def test_image_build_needs_no_secret_and_copies_none():
    text = (ROOT / "Dockerfile").read_text()
    steps = re.findall(r"(\S*\s*)python manage\.py (\w+)", text)
    assert steps and all(prefix.strip() == "DEBUG=true" for prefix, _ in steps), steps
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"var", ".env"} <= set(ignored)


def _run_dry(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "ALLOWED_HOSTS"}}
    out = subprocess.run(["bash", "bin/run", "--dry-run"], cwd=ROOT, env={**base, **env}, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return dict(line.split(": ", 1) for line in out.stdout.splitlines())


# issue 13.8: `make run` listens on loopback unless told otherwise; the printed URL follows HOST/PORT
def test_make_run_binds_loopback_by_default():
    run = _run_dry()
    assert run["url"] == "http://127.0.0.1:8000/"
    assert "--bind 127.0.0.1:8000 " in run["web"] and "0.0.0.0" not in run["web"]


def test_make_run_host_and_port_are_followed():
    run = _run_dry(HOST="0.0.0.0", PORT="8123")
    assert "--bind 0.0.0.0:8123 " in run["web"]
    assert run["url"].endswith(":8123/") and "127.0.0.1" not in run["url"]
    assert run["url"].split("//")[1].split(":")[0] in run["allowed_hosts"].split(",")
    assert "--bind [::1]:8001 " in _run_dry(HOST="::1", PORT="8001")["web"]
