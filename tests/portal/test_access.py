"""Issue 22.1 / SPEC P-01: accounts opened by the front desk, one-time password links, phone login
throttled like staff, and a resident reaches no staff page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.errors import DomainError
from portal import services
from portal.models import ResidentAccount, SetupLink
from tests.portal.conftest import PASSWORD, open_account

pytestmark = pytest.mark.django_db


def test_front_desk_opens_account_and_prints_the_welcome_slip(client, site_a):
    # P-01: from the resident file, with the resident's phone; the slip is a PDF with the one-time QR
    resident = site_a.residents[0]
    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("estates:resident_detail", args=[resident.pk]))
    assert reverse("portal:account_open", args=[resident.pk]).encode() in page.content
    resp = client.post(reverse("portal:account_open", args=[resident.pk]), {"phone": resident.phone})
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")
    account = ResidentAccount.objects.get(resident=resident)
    assert account.phone == resident.phone and account.unit_id == resident.unit_id
    assert not account.user.has_usable_password()


def test_only_the_front_desk_of_the_site_opens_accounts(site_a, site_b):
    with pytest.raises(PermissionDenied):
        services.account_open(resident=site_a.residents[0], actor=site_b.users["front_desk"])
    with pytest.raises(PermissionDenied):
        services.account_open(resident=site_a.residents[0], actor=site_a.users["dept_staff"])


def test_link_is_hashed_used_once_and_expires(site_a):
    account, token = services.account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"])
    link = SetupLink.objects.get(account=account)
    assert link.token_hash != token and token not in link.token_hash  # only the hash is stored
    services.password_set(token=token, password=PASSWORD)
    with pytest.raises(DomainError):
        services.password_set(token=token, password=PASSWORD)  # once
    _, token2 = services.account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"])
    with time_machine.travel(timezone.now() + services.LINK_LIFETIME + timedelta(minutes=1)), \
            pytest.raises(DomainError):
        services.password_set(token=token2, password=PASSWORD)  # expired


def test_new_link_kills_the_old_one(site_a):
    _, token1 = services.account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"])
    _, token2 = services.account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"])
    assert services.link_valid(token1) is None and services.link_valid(token2) is not None


def test_password_page_and_phone_login(client, site_a):
    account, token = services.account_open(resident=site_a.residents[0], actor=site_a.users["front_desk"])
    url = reverse("portal:password_set", args=[token])
    assert client.get(url).status_code == 200  # no login needed
    resp = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert resp.status_code == 302
    resp = client.post(reverse("portal:login"), {"username": account.phone, "password": PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200 and site_a.units[0].code in home.content.decode()


def test_phone_login_is_throttled_like_staff(client, site_a, settings):
    # django-axes: AXES_FAILURE_LIMIT wrong passwords lock the username+IP, the right one then fails too
    account = open_account(site_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("portal:login"), {"username": account.phone, "password": "wrong-Password-1"})
    resp = client.post(reverse("portal:login"), {"username": account.phone, "password": PASSWORD})
    assert resp.status_code == 429 and "_auth_user_id" not in client.session  # locked out like a staff login


def _sample(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", route)
    return re.sub(r"<(?:str|slug|path|date|[a-z_]+):?[^>]*>", "x", route)


def _staff_paths(patterns=None, prefix: str = "") -> list[str]:
    out = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if route.startswith("^"):  # admin's regex routes: the admin index and login stand for them
            continue
        if isinstance(p, URLResolver):
            out += _staff_paths(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            out.append("/" + _sample(prefix + route))
    return [p for p in out if not p.startswith(("/portal/", "/static/", "/i18n/", "/logout/"))]


def test_a_resident_reaches_no_staff_page(resident_client):
    # issue 22: every staff URL of the project, walked as a resident → 404 (/ and /login/ → the resident home)
    paths = _staff_paths()
    assert len(paths) > 100  # the walk really covers the staff pages
    wrong = {}
    for path in paths:
        resp = resident_client.get(path)
        ok = resp.status_code == 404 or (path in ("/", "/login/") and resp.status_code == 302
                                          and resp["Location"] == reverse("portal:home"))
        if not ok:
            wrong[path] = resp.status_code
    assert wrong == {}
    assert resident_client.post(reverse("tickets:order_list")).status_code == 404


def test_staff_do_not_use_resident_pages(client, site_a):
    client.force_login(site_a.users["front_desk"])
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("portal:order_list")).status_code == 404
