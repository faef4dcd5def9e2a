"""Issue 13.2: a Content-Security-Policy on every response, and templates that need no inline script."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_strict(header: str) -> None:
    d = _directives(header)
    assert d["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert d["object-src"] == ["'none'"]
    assert d["frame-ancestors"] == ["'none'"]
    assert d["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in header


@pytest.mark.parametrize("path", ["/login/", "/healthz", "/no-such-page/"])
def test_csp_on_anonymous_responses(client, path):
    r = client.get(path)
    _assert_strict(r["Content-Security-Policy"])


def test_csp_on_pages_and_htmx_fragments(client, site_a):
    client.force_login(site_a.users["front_desk"])
    for url in (reverse("home"), reverse("tickets:order_create"), reverse("tickets:order_list"),
                reverse("complaints:complaint_create"), reverse("core:inbox_badge")):
        r = client.get(url, follow=True)
        assert r.status_code == 200, url
        _assert_strict(r["Content-Security-Policy"])


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for base in TEMPLATE_DIRS:
        for path in base.rglob("*.html"):
            if ".venv" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for rx in (INLINE_SCRIPT, EVENT_ATTR, JS_URL):
                offenders += [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)[:60]}" for m in rx.finditer(text)]
    assert not offenders, "\n".join(offenders)
