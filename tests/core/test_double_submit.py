"""Issue 23.2: a form sent twice (double click, two tabs, a retry) is recorded once.

Every create and step form carries a one-time submission key (core.once); a repeat is sent to the
first result with "已登记" (already recorded), never a second record and never a 500.
"""

import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from callbacks.models import Callback, CallbackAttempt
from callbacks.services import callback_request
from complaints.models import Complaint
from core.models import SubmissionKey
from core.worktime import TZ
from tests.concurrency import errors_of, run_at_once
from tests.tickets.helpers import cat, ensure_categories, register
from tickets.models import WorkOrder, WorkOrderEvent

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # a working Wednesday


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    with time_machine.travel(T0, tick=True):
        yield


def _key(html: str, name: str = "submission_key") -> str:
    m = re.search(rf'name="{name}" value="([0-9a-f]+)"', html)
    assert m, f"no {name} in the form"
    return m.group(1)


def _clients(user, n):
    """n browsers' tabs of one logged-in session (same session cookie)."""
    first = Client(raise_request_exception=False)
    first.force_login(user)
    clients = [first]
    for _ in range(n - 1):
        c = Client(raise_request_exception=False)
        c.cookies = first.cookies
        clients.append(c)
    return clients


def _order_post(site_a, key):
    return {"submission_key": key, "unit": site_a.units[0].pk, "unit_code": site_a.units[0].code,
            "channel": "phone", "category": cat("drain").pk, "content": "厨房下水道堵塞", "reporter_name": "王先生"}


def _complaint_post(site_a, key):
    return {"submission_key": key, "kind": "complaint", "received_at": "2026-11-18T10:00", "channel": "visit",
            "severity": "normal", "unit_code": site_a.units[0].code, "subject": "电梯异响"}


def _callback(site_a):
    u = site_a.units[0]
    return callback_request(subject=u, site_id=site_a.site.pk, kind="ticket", policy_code="ticket.callback", unit=u,
                            now=T0)


# ------------------------------------------------------------------ one request after another
@pytest.mark.django_db
def test_every_create_form_renders_a_fresh_key(client, site_a):
    client.force_login(site_a.users["front_desk"])
    keys = set()
    for _ in range(2):
        keys.add(_key(client.get(reverse("tickets:order_create")).content.decode()))
        keys.add(_key(client.get(reverse("complaints:complaint_create")).content.decode()))
    assert len(keys) == 4


@pytest.mark.django_db
def test_a_repeated_registration_is_sent_to_the_first_order(client, site_a):
    client.force_login(site_a.users["front_desk"])
    key = _key(client.get(reverse("tickets:order_create")).content.decode())
    first = client.post(reverse("tickets:order_create"), _order_post(site_a, key))
    order = WorkOrder.objects.get()
    assert first.status_code == 302 and first.url == order.get_absolute_url()
    again = client.post(reverse("tickets:order_create"), _order_post(site_a, key), follow=True)
    assert WorkOrder.objects.count() == 1
    assert again.redirect_chain == [(order.get_absolute_url(), 302)]
    body = again.content.decode()
    assert "已登记" in body and f'href="{order.get_absolute_url()}"' in body
    # a new form (new key) registers a new order
    key2 = _key(client.get(reverse("tickets:order_create")).content.decode())
    client.post(reverse("tickets:order_create"), _order_post(site_a, key2))
    assert WorkOrder.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_form_can_be_corrected_and_sent_with_the_same_key(client, site_a):
    client.force_login(site_a.users["front_desk"])
    key = _key(client.get(reverse("tickets:order_create")).content.decode())
    bad = {**_order_post(site_a, key), "content": ""}
    r = client.post(reverse("tickets:order_create"), bad)
    assert r.status_code == 200 and _key(r.content.decode()) == key  # the key stays in the form
    assert not SubmissionKey.objects.exists()
    assert client.post(reverse("tickets:order_create"), _order_post(site_a, key)).status_code == 302
    assert WorkOrder.objects.count() == 1


@pytest.mark.django_db
def test_a_step_sent_twice_is_done_once(client, site_a):
    """The generic step view: 'arrived on site' posted twice → one event, the second sees the order."""
    from tests.tickets.helpers import dispatch

    order = register(site_a)
    dispatch(site_a, order)
    order.refresh_from_db()
    client.force_login(site_a.users["dept_staff"])
    url = reverse("tickets:order_action", args=[order.pk, "arrive"])
    data = {"version": order.version, "submission_key": "a" * 32}
    assert client.post(url, data).status_code == 302
    r = client.post(url, data, follow=True)
    assert r.status_code == 200 and "已登记" in r.content.decode()
    assert WorkOrderEvent.objects.filter(order=order, kind=WorkOrderEvent.Kind.ARRIVED).count() == 1


@pytest.mark.django_db
def test_unreachable_sent_twice_counts_once(client, site_a):
    """The issue's case: one call, 'unreachable' posted twice, must not count as two attempts."""
    cb = _callback(site_a)
    client.force_login(site_a.users["zone_staff"])
    key = _key(client.get(cb.get_absolute_url()).content.decode())
    data = {"submission_key": key, "method": "phone", "result": "unreachable", "number_dialled": cb.phone}
    for _ in range(3):
        assert client.post(reverse("callbacks:attempt", args=[cb.pk]), data).status_code == 302
    cb = Callback.objects.get(pk=cb.pk)  # FSM-protected status: no refresh_from_db
    assert cb.attempts == 1 and cb.status != Callback.Status.UNREACHABLE


# ------------------------------------------------------------------ PostgreSQL: at the same moment
def _assert_no_500(outcomes):
    assert errors_of(outcomes) == []
    assert {r.status_code for r in outcomes} <= {200, 302}, [r.status_code for r in outcomes]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("n", [2, 10])
def test_concurrent_identical_registrations_make_one_order(site_a, n):
    ensure_categories()
    clients = _clients(site_a.users["front_desk"], n)
    key = _key(clients[0].get(reverse("tickets:order_create")).content.decode())
    data = _order_post(site_a, key)
    outcomes = run_at_once([lambda c=c: c.post(reverse("tickets:order_create"), data) for c in clients])
    _assert_no_500(outcomes)
    assert WorkOrder.objects.count() == 1
    order = WorkOrder.objects.get()
    assert {r.url for r in outcomes} == {order.get_absolute_url()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("n", [2, 10])
def test_concurrent_identical_complaints_make_one_complaint(site_a, n):
    clients = _clients(site_a.users["front_desk"], n)
    key = _key(clients[0].get(reverse("complaints:complaint_create")).content.decode())
    data = _complaint_post(site_a, key)
    outcomes = run_at_once([lambda c=c: c.post(reverse("complaints:complaint_create"), data) for c in clients])
    _assert_no_500(outcomes)
    assert Complaint.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("n", [2, 10])
def test_concurrent_identical_unreachable_attempts_count_once(site_a, n):
    cb = _callback(site_a)
    clients = _clients(site_a.users["zone_staff"], n)
    key = _key(clients[0].get(cb.get_absolute_url()).content.decode())
    data = {"submission_key": key, "method": "phone", "result": "unreachable", "number_dialled": cb.phone}
    outcomes = run_at_once([lambda c=c: c.post(reverse("callbacks:attempt", args=[cb.pk]), data) for c in clients])
    _assert_no_500(outcomes)
    cb = Callback.objects.get(pk=cb.pk)  # FSM-protected status: no refresh_from_db
    assert cb.attempts == 1
    assert CallbackAttempt.objects.filter(callback=cb).count() == 1


# ------------------------------------------------------------------ every create form carries a key
CREATE_PAGES = [
    ("front_desk", "tickets:order_create"), ("front_desk", "complaints:complaint_create"),
    ("front_desk", "reception:entry_create"), ("front_desk", "reception:worklog_create"),
    ("front_desk", "keys:deposit_create"), ("center_head", "keys:reconciliation_create"),
    ("center_head", "estates:unit_create"), ("center_head", "estates:resident_create"),
    ("cs_supervisor", "surveys:campaign_create"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "url_name"), CREATE_PAGES)
def test_create_forms_of_every_app_carry_a_submission_key(client, site_a, role, url_name):
    client.force_login(site_a.users[role])
    r = client.get(reverse(url_name))
    assert r.status_code == 200, (url_name, r.status_code)
    _key(r.content.decode())


@pytest.mark.django_db
def test_a_reception_entry_sent_twice_is_recorded_once(client, site_a):
    from reception.models import ReceptionEntry

    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("reception:entry_create")).content.decode()
    data = {"submission_key": _key(page), "channel": "call", "person_name": "李女士",
            "phone": "13800000000", "purpose": "consultation", "content": "问物业费", "answer": "已答复"}
    first = client.post(reverse("reception:entry_create"), data)
    assert first.status_code == 302
    assert client.post(reverse("reception:entry_create"), data).status_code == 302
    assert ReceptionEntry.objects.count() == 1


@pytest.mark.django_db
def test_keys_older_than_a_week_are_purged(site_a):
    from datetime import timedelta

    from core.once import submission_keys_purge

    user = site_a.users["front_desk"]
    SubmissionKey.objects.create(user=user, key="old", created_at=T0 - timedelta(days=8))
    SubmissionKey.objects.create(user=user, key="new", created_at=T0 - timedelta(days=1))
    assert submission_keys_purge(now=T0) == 1
    assert list(SubmissionKey.objects.values_list("key", flat=True)) == ["new"]
