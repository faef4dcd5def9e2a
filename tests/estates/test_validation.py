"""Issue 13.3/13.4: registry validation (unit numbers, areas, bounds) and the one phone rule."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from core.validators import id_check_char, normalize_id_number, normalize_phone
from estates.models import Building, Unit
from estates.validators import split_unit_code
from tests.tickets.helpers import cat
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def _unit_post(client, site_a, **overrides):
    client.force_login(site_a.users["cs_supervisor"])
    building = Building.objects.filter(site=site_a.site).first()
    data = {"building": building.pk, "entrance": "1", "room": "1502", "floor": 15, "area": "89.5",
            "occupancy": "occupied", "notes": ""}
    data.update(overrides)
    return client.post(reverse("estates:unit_create"), data)


# SPEC O-01 / issue 13.4: 15O2 (letter O), an area of -1 or 0, NaN or 1e309 are refused, nothing written
@pytest.mark.parametrize("field,value", [("room", "15O2"), ("room", "15-02"), ("area", "-1"), ("area", "0"),
                                         ("area", "NaN"), ("area", "1e309"), ("area", "1" * 40),
                                         ("floor", "99999"), ("entrance", "一")])
def test_unit_form_refuses(client, site_a, field, value):
    before = Unit.objects.count()
    r = _unit_post(client, site_a, **{field: value})
    assert r.status_code == 200
    assert field in r.context["form"].errors, r.context["form"].errors
    assert Unit.objects.count() == before


def test_unit_form_normalises_full_width_room(client, site_a):
    r = _unit_post(client, site_a, room="１５０２室", area="８９.５")
    assert r.status_code == 302
    unit = Unit.objects.get(site=site_a.site, room="1502", entrance="1")
    assert unit.area == Decimal("89.50") and unit.code.endswith("-1-1502")


# issue 13.3: the database refuses a unit area or floor out of bounds even through an ORM update
@pytest.mark.parametrize("values", [{"area": Decimal("-1")}, {"area": Decimal("100000")}, {"floor": 999}])
def test_unit_bounds_in_database(site_a, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=site_a.units[0].pk).update(**values)


@pytest.mark.parametrize("raw,canonical", [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"), ("86-13812345678", "13812345678"),
    ("００８６１３８１２３４５６７８", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"), ("0755-12345678", "0755-12345678"), ("0755 1234 5678", "0755-12345678"),
    ("(0755)12345678", "0755-12345678"), ("010-1234567", "010-1234567"), ("+86 10 12345678", "010-12345678"),
    ("+86 755 12345678", "0755-12345678"), ("0755-12345678-123", "0755-12345678-123"),
    ("0755-12345678转8", "0755-12345678-8"),
])
def test_phone_rule_accepts_and_normalises(raw, canonical):
    # issue 13.4: one phone rule
    assert normalize_phone(raw) == canonical


@pytest.mark.parametrize("raw", ["1381234567a", "abc", "12345", "12812345678", "1381234567", "138123456789",
                                 "075-1234567", "0755-123456", "+1 2025550123"])
def test_phone_rule_refuses(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_id_number_check_digit():
    # GB 11643: the standard's own example
    assert id_check_char("11010519491231002") == "X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError):
        normalize_id_number("110105194912310021")  # wrong check digit
    with pytest.raises(ValidationError):
        normalize_id_number("110105194913310024")  # month 13


def test_unit_code_forms():
    assert split_unit_code("3-2-1502") == ("3", "2", "1502")
    assert split_unit_code("３栋２单元１５０２室") == ("3", "2", "1502")
    with pytest.raises(ValidationError):
        split_unit_code("3-2-15O2")


@pytest.fixture
def working_wednesday():
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


# issue 13.4: the work-order registration and complaint intake use the phone rule
def test_order_form_phone(client, site_a, working_wednesday):
    client.force_login(site_a.users["front_desk"])
    data = {"unit_code": "3-2-1502", "channel": "phone", "category": cat("drain").pk, "content": "卫生间下水道堵塞",
            "reporter_name": "李秀英", "phone": "138abc45678"}
    r = client.post(reverse("tickets:order_create"), data)
    assert r.status_code == 200 and "phone" in r.context["form"].errors
    assert not WorkOrder.objects.exists()
    r = client.post(reverse("tickets:order_create"), {**data, "phone": "+86 138 0000 0001"})
    assert r.status_code == 302
    assert WorkOrder.objects.get().phone == "13800000001"


def test_complaint_form_phone(client, site_a, working_wednesday):
    client.force_login(site_a.users["security_officer"])
    data = {"kind": "complaint", "received_at": "2026-11-18T09:30", "channel": "visit", "severity": "normal",
            "unit_code": site_a.units[0].code, "complainant_name": "路人", "phone": "电话13800000000",
            "subject": "车库积水", "description": "B1 积水"}
    r = client.post(reverse("complaints:complaint_create"), data)
    assert r.status_code == 200 and "phone" in r.context["form"].errors
    assert not Complaint.objects.exists()
    r = client.post(reverse("complaints:complaint_create"), {**data, "phone": "0755 8888 1234"})
    assert r.status_code == 302
    assert Complaint.objects.get().phone == "0755-88881234"


def test_resident_form_phone_normalised(client, site_a):
    res = site_a.residents[0]
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("estates:resident_edit", args=[res.pk]), {
        "unit_code": res.unit.code, "name": res.name, "kind": "owner", "phone": "+86 139-1234-5678",
        "phone2": "abc", "id_number": "", "relation": "", "move_in_date": ""})
    assert r.status_code == 200 and list(r.context["form"].errors) == ["phone2"]
    r = client.post(reverse("estates:resident_edit", args=[res.pk]), {
        "unit_code": res.unit.code, "name": res.name, "kind": "owner", "phone": "+86 139-1234-5678",
        "phone2": "", "id_number": "110105194912310021", "relation": "", "move_in_date": ""})
    assert r.status_code == 200 and list(r.context["form"].errors) == ["id_number"]
    r = client.post(reverse("estates:resident_edit", args=[res.pk]), {
        "unit_code": res.unit.code, "name": res.name, "kind": "owner", "phone": "+86 139-1234-5678",
        "phone2": "", "id_number": "", "relation": "", "move_in_date": ""})
    assert r.status_code == 302
    res.refresh_from_db()
    assert res.phone == "13912345678"


def test_stored_phones_rewritten_in_canonical_form(site_a):
    # issue 13.4: the data migration brings phones stored before the rule into the canonical form
    import importlib

    from django.apps import apps

    from estates.models import Resident

    migration = importlib.import_module("estates.migrations.0005_canonical_phones")
    res = site_a.residents[0]
    Resident.objects.filter(pk=res.pk).update(phone="+86 138-1234-5678", phone2="电话未知")
    migration.canonical_phones(apps, None)
    res.refresh_from_db()
    assert (res.phone, res.phone2) == ("13812345678", "电话未知")  # what the rule cannot read is kept


def test_full_width_unit_code_on_the_order_form(client, site_a, working_wednesday):
    # issue 13.4: full-width digits typed with a Chinese input method find the unit
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("tickets:order_create"), {
        "unit_code": "３－２－１５０２", "channel": "phone", "category": cat("drain").pk, "content": "卫生间下水道堵塞",
        "reporter_name": "李秀英", "phone": "１３８００００００01"})
    assert r.status_code == 302
    order = WorkOrder.objects.get()
    assert order.unit.code == "3-2-1502" and order.phone == "13800000001"
