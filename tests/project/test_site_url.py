"""Issue 20.7: the printed form's QR codes and links use the address the app is served on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tickets.helpers import register
from tickets import printing

ROOT = Path(__file__).resolve().parents[2]


def _run_dry(**env) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "ALLOWED_HOSTS", "SITE_URL"}}
    out = subprocess.run(["bash", "bin/run", "--dry-run"], cwd=ROOT, env={**base, **env}, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return dict(line.split(": ", 1) for line in out.stdout.splitlines())


# issue 20.7: `PORT=8103 make run` serves on 8103, so its links say 8103 (not the default 8000)
def test_make_run_sets_the_site_url_from_its_host_and_port():
    assert _run_dry(PORT="8103")["site_url"] == "http://127.0.0.1:8103"
    assert _run_dry()["site_url"] == "http://127.0.0.1:8000"
    # a configured address (a proxy in front, a domain name) wins
    assert _run_dry(PORT="8103", SITE_URL="https://wuye.example.cn")["site_url"] == "https://wuye.example.cn"


def test_settings_read_the_site_url_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "propserv.settings.test", "SITE_URL": "http://127.0.0.1:8103/"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8103"


# issue 20.7: the QR codes encode, and the form prints, links under the configured site URL
@pytest.mark.django_db
def test_printed_form_qr_and_links_use_the_site_url(site_a, settings, monkeypatch):
    settings.SITE_URL = "http://127.0.0.1:8103"
    encoded: list[str] = []
    real_qr = printing.qr_src
    monkeypatch.setattr(printing, "qr_src", lambda text: encoded.append(text) or real_qr(text))
    order = register(site_a)
    ctx = printing.order_context(order)
    assert ctx["url"] == f"http://127.0.0.1:8103{order.get_absolute_url()}"
    assert ctx["status_url"].startswith("http://127.0.0.1:8103/portal/p/s/")
    assert encoded == [ctx["url"], ctx["status_url"]]
    assert all(u.startswith("http://127.0.0.1:8103/") for u in encoded)
    html = printing.render_html(printing.TEMPLATE, {"items": [ctx], "parts": printing.PARTS})
    assert ctx["url"] in html and "127.0.0.1:8000" not in html
