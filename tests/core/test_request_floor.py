"""Issue 21.2: the request floor — session, user, roles and visible sites come from the cache; every change
to them is seen on the next request."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from core.roles import Role
from estates.models import Site

pytestmark = pytest.mark.django_db

FLOOR = "/bench/floor/"


@pytest.fixture(autouse=True)
def floor_urls():
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        yield


def test_trivial_logged_in_page_costs_no_query_once_cached(client, site_a, django_assert_num_queries):
    # issue 21.2: ≤ 1 query with the cache configured (here none at all)
    client.force_login(site_a.users["front_desk"])
    assert client.get(FLOOR).status_code == 200  # the user is read once, with roles and site
    with django_assert_num_queries(0):
        assert client.get(FLOOR).content == b"ok"


def test_changed_roles_and_deactivation_are_seen_at_once(client, site_a):
    user = site_a.users["front_desk"]
    client.force_login(user)
    assert client.get("/tickets/new/").status_code == 200
    resp = client.get(FLOOR)
    assert resp.wsgi_request.user._role_codes == frozenset({Role.FRONT_DESK})
    user.groups.add(Group.objects.get(name=Role.CS_SUPERVISOR))
    assert client.get(FLOOR).wsgi_request.user._role_codes == {Role.FRONT_DESK, Role.CS_SUPERVISOR}
    user.groups.clear()
    assert client.get(FLOOR).wsgi_request.user._role_codes == frozenset()
    user.is_active = False
    user.save()
    assert client.get(FLOOR).status_code == 302  # logged out


def test_staff_moved_and_new_site_seen(client, site_a, site_b, company_staff):
    staff = site_a.staff["front_desk"]
    client.force_login(staff.user)
    assert client.get(FLOOR).wsgi_request.user._visible_site_ids == [site_a.site.pk]
    staff.site = site_b.site
    staff.save()
    assert client.get(FLOOR).wsgi_request.user._visible_site_ids == [site_b.site.pk]
    client.force_login(company_staff.leader.user)
    before = client.get(FLOOR).wsgi_request.user._visible_site_ids
    new = Site.objects.create(company=site_a.site.company, name="新小区", code="TNEW")
    assert sorted(client.get(FLOOR).wsgi_request.user._visible_site_ids) == sorted([*before, new.pk])


def test_password_change_ends_other_sessions(client, site_a):
    user = site_a.users["front_desk"]
    client.force_login(user)
    assert client.get(FLOOR).status_code == 200
    user.set_password("new-secret-1234")
    user.save()
    assert client.get(FLOOR).status_code == 302


def test_menu_computed_once_per_user_state_and_follows_a_role_change(client, site_a):
    # issue 21.2: the menu is kept per process under a digest of the user object (roles, staff, sites),
    # language and URLs; SPEC X-01: a role given or taken changes the menu on the very next request
    from unittest import mock

    from core import context_processors

    user = site_a.users["front_desk"]
    client.force_login(user)
    board = reverse("tickets:dispatch_board")
    assert board not in client.get(reverse("tickets:order_list")).content.decode()
    with mock.patch.object(context_processors, "_navigation", wraps=context_processors._navigation) as computed:
        assert board not in client.get(reverse("tickets:order_list")).content.decode()
        assert computed.call_count == 0  # the same user: the kept menu
        user.groups.add(Group.objects.get(name=Role.DEPT_SUPERVISOR))
        assert board in client.get(reverse("tickets:order_list")).content.decode()
        assert computed.call_count == 1
        english = client.get(reverse("tickets:order_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Dispatch board" in english and computed.call_count == 2
    user.groups.remove(Group.objects.get(name=Role.DEPT_SUPERVISOR))
    assert board not in client.get(reverse("tickets:order_list")).content.decode()


def test_kept_page_parts_follow_the_language_and_settings(client, site_a, settings):
    # issue 21.2: `{% memo %}` blocks (static links, fixed links and labels) are kept per language; SPEC W-01:
    # a Chinese user sees no English, an English one no Chinese labels from the kept copy
    client.force_login(site_a.users["front_desk"])
    zh = client.get(reverse("tickets:order_list")).content.decode()
    assert 'title="通知"' in zh and "月末结算" in zh
    en = client.get(reverse("tickets:order_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'title="Notifications"' in en and "Month-end settlement" in en and "月末结算" not in en
    assert 'title="通知"' in client.get(reverse("tickets:order_list")).content.decode()
    settings.STATIC_URL = "/assets/"  # a changed setting is not served from a kept copy
    assert 'href="/assets/css/propserv.css"' in client.get(reverse("tickets:order_list")).content.decode()
