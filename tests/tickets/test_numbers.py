"""Issue 13.3: numbers that cannot corrupt a record (completion hours, quantities, charges)."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from tests.tickets.helpers import dispatch, register
from tickets import services
from tickets.models import Charge, Material, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


def _dispatched(site_a):
    order = register(site_a, now=timezone.now() - timedelta(hours=3))
    return dispatch(site_a, order)


def _post_complete(client, site_a, order, **overrides):
    client.force_login(site_a.users["dept_staff"])
    now = timezone.localtime()
    data = {"version": order.version, "arrived_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "finished_at": now.strftime("%Y-%m-%dT%H:%M"), "work_done": "疏通下水道", "labour_hours": "1.5",
            "prep_hours": "", "materials": "", "material_charge": "", "labour_charge": "", "price_qty": ""}
    data.update(overrides)
    return client.post(reverse("tickets:order_action", args=[order.pk, "complete"]), data)


def _form(response, action="complete"):
    return dict((name, form) for name, form, *_ in response.context["action_cards"])[action]


def _snapshot(order):
    o = WorkOrder.objects.get(pk=order.pk)
    return (o.status, o.version, o.labour_hours, o.prep_hours, o.completed_at, o.materials.count(), o.charges.count())


# issue 13.3 / SPEC T-07: 1e309 hours, 40 digits, NaN, inf, negatives, 3 decimals are field errors, nothing written
@pytest.mark.parametrize("field,value", [
    ("labour_hours", "1e309"),
    ("labour_hours", "1" * 40),
    ("labour_hours", "NaN"),
    ("labour_hours", "inf"),
    ("labour_hours", "-1"),
    ("labour_hours", "1.555"),
    ("labour_hours", "1000"),
    ("prep_hours", "1e309"),
    ("material_charge", "1" * 40),
    ("labour_charge", "NaN"),
    ("price_qty", "-Infinity"),
])
def test_bad_number_is_a_field_error_and_nothing_is_written(client, site_a, field, value):
    order = _dispatched(site_a)
    before = _snapshot(order)
    r = _post_complete(client, site_a, order, **{field: value})
    assert r.status_code == 200
    errors = _form(r).errors
    assert field in errors, errors
    assert _snapshot(order) == before
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.DISPATCHED


def test_the_error_is_in_chinese(client, site_a):
    order = _dispatched(site_a)
    r = _post_complete(client, site_a, order, labour_hours="1e309")
    html = r.content.decode()
    assert "确保" in html or "输入一个数字" in html


def test_bad_material_quantity_is_a_field_error(client, site_a):
    # issue 13.3: material quantities typed as "name, quantity, unit"
    order = _dispatched(site_a)
    before = _snapshot(order)
    r = _post_complete(client, site_a, order, materials="疏通剂, 1e309, 瓶")
    assert "materials" in _form(r).errors
    assert _snapshot(order) == before


def test_good_completion_still_saves(client, site_a):
    order = _dispatched(site_a)
    r = _post_complete(client, site_a, order, labour_hours="１.５", materials="疏通剂, 2, 瓶")
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.labour_hours == Decimal("1.50") and order.status == WorkOrder.Status.COMPLETED
    assert order.materials.get().quantity == Decimal("2.00")


# issue 13.3: the service refuses too (a task or the shell bypasses the form) and writes nothing
@pytest.mark.parametrize("hours", [Decimal("1E+309"), Decimal("NaN"), Decimal("Infinity"), "1" * 40, -1])
def test_service_refuses_bad_hours(site_a, hours):
    order = _dispatched(site_a)
    before = _snapshot(order)
    now = timezone.now()
    with pytest.raises(DomainError):
        services.work_order_complete(order=order, actor=site_a.users["dept_staff"], arrived_at=now - timedelta(hours=1),
                                     finished_at=now, cause="", work_done="疏通下水道", labour_hours=hours, now=now)
    with pytest.raises(DomainError):  # a material quantity of 1e309
        services.work_order_complete(order=order, actor=site_a.users["dept_staff"], arrived_at=now - timedelta(hours=1),
                                     finished_at=now, cause="", work_done="疏通下水道", labour_hours=1,
                                     materials=[("疏通剂", hours, "瓶")], now=now)
    assert _snapshot(order) == before


# issue 13.3: the database backs each bound (an ORM update bypassing form and service)
@pytest.mark.parametrize("model,field,value", [
    (WorkOrder, "labour_hours", Decimal("-1")),
    (WorkOrder, "labour_hours", Decimal("1000")),
    (WorkOrder, "prep_hours", Decimal("-0.5")),
    (Material, "quantity", Decimal("-1")),
    (Charge, "unit_price", Decimal("-1")),
    (Charge, "amount", Decimal("-0.01")),
])
def test_database_constraint(site_a, model, field, value):
    order = _dispatched(site_a)
    Material.objects.create(order=order, name="x", quantity=1)
    Charge.objects.create(order=order, description="x", quantity=1, unit_price=1, amount=1)
    qs = model.objects.filter(pk=order.pk) if model is WorkOrder else model.objects.filter(order=order)
    with pytest.raises(IntegrityError), transaction.atomic():
        qs.update(**{field: value})
