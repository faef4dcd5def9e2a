"""The menu is rendered once per distinct menu (issue 13.12: its content is its cache key), so every user
still sees exactly their own menu, in their own language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(client, user, lang="zh-hans") -> str:
    client.force_login(user)
    html = client.get(reverse("tickets:order_list"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    return html.split('id="mainnav"', 1)[1].split('data-testid="user-menu"', 1)[0]


def test_each_role_sees_its_own_menu_and_language_after_another_was_cached(client, site_a):
    # SPEC X-01 (roles see their own screens): the cached menu of one role never shows for another
    front_desk, supervisor = site_a.users["front_desk"], site_a.users["dept_supervisor"]
    board = reverse("tickets:dispatch_board")
    first = _menu(client, front_desk)
    assert board not in first and 'data-testid="quick-new-work-order"' in first
    assert board in _menu(client, supervisor)
    assert board not in _menu(client, front_desk)  # the front desk's cached menu, unchanged
    english = _menu(client, supervisor, lang="en")
    assert "Dispatch board" in english and "Dispatch board" not in _menu(client, supervisor)
