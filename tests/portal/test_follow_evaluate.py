"""Issue 22.3–22.4 / SPEC P-03, T-05, CB-01, CB-03, C-06: the resident follows their order, hears of each
step, evaluates after completion; "unsatisfied" starts the unsatisfied-callback path."""

from datetime import timedelta

import pytest
from django.urls import reverse

from callbacks.models import Callback
from core.errors import DomainError
from core.models import Notification
from portal import services
from portal.models import OnlineEvaluation
from tests.portal.conftest import open_account
from tests.tickets.helpers import complete, dispatch, register
from tickets import services as tickets_services
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def _notices(account):
    return list(Notification.objects.filter(recipient=account.user).values_list("title", "body"))


def test_resident_hears_of_dispatch_arrival_completion_and_extension(household):
    # T-05: the extension notice carries the reason and the new date
    s = household.s
    order = register(s, code="repair")
    order = dispatch(s, order)
    assert any(order.number in t and "派工" in t for t, _ in _notices(household.account))
    tickets_services.work_order_arrive(order=order, actor=s.users["dept_staff"], now=order.dispatched_at
                                       + timedelta(minutes=20))
    new_due = order.due_at + timedelta(days=2)
    tickets_services.work_order_extend(order=order, actor=s.users["center_head"], new_due_at=new_due,
                                       reason="等待配件到货", now=order.dispatched_at + timedelta(hours=1))
    complete(s, WorkOrder.objects.get(pk=order.pk))
    titles = [t for t, _ in _notices(household.account)]
    bodies = [b for _, b in _notices(household.account)]
    assert len(titles) == 4
    assert any("到场" in t for t in titles) and any("完工" in t for t in titles)
    assert any(f"{new_due.astimezone(order.received_at.tzinfo):%Y-%m-%d}" in t for t in titles)
    assert any("等待配件到货" in b for b in bodies)


def test_another_household_hears_nothing(household):
    other = open_account(household.s, 1)
    dispatch(household.s, register(household.s, unit=0))
    assert _notices(other) == []


def test_order_page_shows_status_handler_deadline_and_history(household, resident_client):
    s = household.s
    order = dispatch(s, register(s))
    html = resident_client.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert order.number in html and s.staff["dept_staff"].name in html
    assert "已派工" in html and f"{order.due_at.astimezone(order.received_at.tzinfo):%Y-%m-%d}" in html


def test_satisfied_evaluation_is_recorded_on_the_order_and_starts_nothing(household):
    s = household.s
    order = complete(s, dispatch(s, register(s)))
    services.order_evaluate(account=household.account, order=order, value="satisfied", comment="很快")
    order.refresh_from_db()
    assert order.evaluation == "satisfied" and order.online_evaluation.value == "satisfied"
    assert order.events.filter(kind="evaluated", data__online=True).exists()
    assert Callback.objects.count() == 0


def test_unsatisfied_evaluation_starts_the_cb03_path(household, client):
    # CB-03: the resident's account differs from the department's report → the zone manager checks on site;
    # C-06: one level up (CS supervisor) is told; CB-01: the phone callback still happens and shows it
    s = household.s
    order = complete(s, dispatch(s, register(s)))
    services.order_evaluate(account=household.account, order=order, value="unsatisfied", comment="还在漏水")
    cb = Callback.objects.get(subject_id=order.pk, kind="ticket")
    assert cb.status == Callback.Status.OPEN and cb.due_at is not None  # the phone callback is still to make
    assert "还在漏水" in cb.mismatch_note and cb.mismatch_checker == s.users["zone_manager"]
    alerted = set(Notification.objects.filter(kind="alert", subject_id=cb.pk).values_list("recipient", flat=True))
    assert {s.users["zone_manager"].pk, s.users["cs_supervisor"].pk} <= alerted
    client.force_login(s.users["front_desk"])
    assert "还在漏水" in client.get(cb.get_absolute_url()).content.decode()
    # the receipt's return later finds this callback and does not open a second one
    tickets_services.work_order_evaluate(order=order, actor=s.users["front_desk"], evaluation="unsatisfied",
                                         signer_name="王建国", signed_on_paper=True)
    tickets_services.work_order_receipt_accept(order=WorkOrder.objects.get(pk=order.pk), actor=s.users["front_desk"])
    assert Callback.objects.filter(subject_id=order.pk, kind="ticket").count() == 1


def test_evaluation_only_after_completion_once_and_own_household(household):
    s = household.s
    order = dispatch(s, register(s))
    with pytest.raises(DomainError):
        services.order_evaluate(account=household.account, order=order, value="satisfied")
    done = complete(s, order)
    other = open_account(s, 1)
    with pytest.raises(DomainError):
        services.order_evaluate(account=other, order=done, value="satisfied")
    services.order_evaluate(account=household.account, order=done, value="basic")
    with pytest.raises(DomainError):
        services.order_evaluate(account=household.account, order=done, value="unsatisfied", comment="x")
    assert OnlineEvaluation.objects.count() == 1


# SPEC P-03; issue 14.3: the order's side of the online evaluation is tickets' own service
def test_the_order_side_is_checked_by_tickets_and_a_refused_second_evaluation_leaves_no_trace(household):
    s = household.s
    done = complete(s, dispatch(s, register(s)))
    other = open_account(s, 1)
    with pytest.raises(DomainError):  # another household's order, asked of tickets directly
        tickets_services.work_order_evaluate_online(order=done, household_unit_id=other.unit_id,
                                                   site_id=other.site_id, resident_user=other.user,
                                                   evaluation="satisfied")
    services.order_evaluate(account=household.account, order=done, value="basic")
    with pytest.raises(DomainError) as refused:
        services.order_evaluate(account=household.account, order=done, value="satisfied")
    assert refused.value.code == "twice"
    online = done.events.filter(kind="evaluated", data__online=True)
    assert online.count() == 1  # the refused second one was rolled back with its history row
    done.refresh_from_db()
    assert done.evaluation == "basic"


def test_evaluation_form_on_the_order_page(household, resident_client):
    s = household.s
    order = complete(s, dispatch(s, register(s)))
    resp = resident_client.post(reverse("portal:order_detail", args=[order.pk]), {"value": "satisfied",
                                                                                 "comment": ""})
    assert resp.status_code == 302 and OnlineEvaluation.objects.get().order == order
