"""Issue 20.5: "全部" (everyone) in the callback queue's staff filter works for zone staff, and a work order's
page shows its callback's deadline."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from callbacks.selectors import callback_list_for
from callbacks.services import callback_request
from tests.tickets.helpers import evaluate, to_completed
from tickets import services

pytestmark = pytest.mark.django_db


def _cb(s, unit, user, now):
    return callback_request(subject=unit, site_id=s.site.pk, kind="ticket", policy_code="", due_at=now, unit=unit,
                            summary="回访", now=now, assigned_to=user)


# SPEC CB-01 / CB-07: zone staff start on their own queue; "all" shows everyone's
def test_everyone_filter_for_zone_staff(client, site_a):
    now = timezone.now()
    mine = _cb(site_a, site_a.units[0], site_a.users["zone_staff"], now)
    other = _cb(site_a, site_a.units[1], site_a.users["front_desk"], now)
    client.force_login(site_a.users["zone_staff"])
    page = client.get(reverse("callbacks:queue")).context["page"]
    assert [cb.pk for cb in page] == [mine.pk]
    r = client.get(reverse("callbacks:queue"), {"staff": "all"})
    assert {cb.pk for cb in r.context["page"]} == {mine.pk, other.pk}
    html = r.content.decode()
    assert '<option value="all" selected>' in html and "staff=all" in html  # the tabs keep the choice
    page = client.get(reverse("callbacks:queue"), {"staff": "me"}).context["page"]
    assert [cb.pk for cb in page] == [mine.pk]


# SPEC CB-01: the order page shows the callback's deadline once the receipt is back
def test_order_page_shows_callback_deadline(client, site_a):
    order = evaluate(site_a, to_completed(site_a))
    client.force_login(site_a.users["front_desk"])
    assert "callback-deadline" not in client.get(order.get_absolute_url()).content.decode()
    order = services.work_order_receipt_accept(order=order, actor=site_a.users["front_desk"],
                                               now=order.completed_at + timedelta(hours=1))
    cb = callback_list_for(order).get()
    assert cb.due_at is not None
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="callback-deadline"' in html
    assert timezone.localtime(cb.due_at).strftime("%Y-%m-%d %H:%M") in html.split('data-testid="callback-deadline"')[1]
    assert cb.get_absolute_url() in html
