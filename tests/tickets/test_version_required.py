"""Issue 23.9: every form that changes an existing order carries its version; a post without it is
refused with a message, never saved past the optimistic conflict check."""

import pytest
from django.urls import reverse

from tests.tickets.helpers import dispatch, register
from tickets import forms as f
from tickets.actions import REGISTRY
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db

# Notes add to the order's history without changing it; every other step changes the order.
NOTE_ONLY = {"followup", "status_report"}


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    from tests.tickets.helpers import T0

    with time_machine.travel(T0, tick=True):
        yield


def test_every_step_that_changes_an_order_requires_the_version():
    for name, action in REGISTRY.actions.items():  # issue 14.1: the declarations in tickets/actions.py
        if name in NOTE_ONLY:
            continue
        assert issubclass(action.form, f.VersionMixin), name


def test_a_post_without_version_is_refused_with_a_message(client, site_a):
    order = register(site_a)
    dispatch(site_a, order)
    order.refresh_from_db()
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_action", args=[order.pk, "cancel"]), {"reason": "业主取消了这个请求"})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="action-error"' in body
    assert "此表单不完整或已过期" in body and "业主取消了这个请求" in body  # input kept
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED and order.cancel_reason == ""


def test_the_rendered_step_forms_carry_the_version(client, site_a):
    order = register(site_a)
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("tickets:order_action_form", args=[order.pk, "cancel"]))
    assert f'name="version" value="{order.version}"' in r.content.decode()
    r = client.post(reverse("tickets:order_action", args=[order.pk, "cancel"]),
                    {"reason": "业主取消了这个请求", "version": order.version})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CANCELLED
