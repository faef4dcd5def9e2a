"""SPEC X-05: Simplified Chinese by default, English selectable; every catalog complete."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_there_are_catalogs():
    assert len(CATALOGS) >= 3


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {po_path}: {fuzzy[:10]}"


@pytest.mark.django_db
def test_login_page_in_chinese_by_default_and_english_on_request(client):
    zh = client.get("/login/").content.decode()
    en = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录" in zh
    assert "Log in" in en
