"""SPEC T-01, T-02, T-03, T-04: registration, numbering, categories, first clocks."""

from datetime import datetime, timedelta

import pytest

from core.deadlines import deadline_running
from core.errors import DomainError
from core.worktime import TZ
from tests.tickets.helpers import T0, cat, register
from tickets import services
from tickets.models import Category, WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


# SPEC T-03, T-04: the category list is data, seeded with the SPEC list, each with its policy code
def test_categories_seeded_with_policies():
    codes = dict(Category.objects.values_list("code", "completion_policy"))
    assert codes["drain"] == "ticket.urgent.complete"
    assert codes["pipe-leak"] == "ticket.urgent.complete"
    assert codes["lamp"] == "ticket.urgent.complete.wd"
    assert codes["door-lock"] == "ticket.urgent.complete.wd"
    assert codes["movein-cleaning"] == "ticket.cleaning.complete"
    assert codes["repair"] == "ticket.normal.complete"
    assert codes["internal-equipment"] == "ticket.supervisor.complete"
    assert codes["paid-repair"] == "ticket.agreement.complete"
    assert set(Category.objects.filter(is_emergency=True).values_list("code", flat=True)) >= {
        "em-lift", "em-water", "em-fire", "em-crime", "em-outage"}


# SPEC T-01: every field of a registration is recorded, with the receiver and an event
def test_register_records_everything(site_a):
    order = register(site_a, channel=WorkOrder.Channel.VISIT)
    assert order.status == WorkOrder.Status.REGISTERED
    assert order.unit == site_a.units[0] and order.resident == site_a.residents[0]
    assert order.reporter_name == site_a.residents[0].name and order.phone == site_a.residents[0].phone
    assert order.zone == site_a.zone
    assert order.receiver == site_a.users["front_desk"] and order.received_at == T0
    assert order.department == site_a.depts["engineering"]
    assert WorkOrderEvent.objects.filter(order=order, kind="registered").count() == 1


# SPEC T-01: a staff member who finds a public-area problem files it the same way
def test_public_area_by_any_staff(site_a):
    order = services.work_order_register(site=site_a.site, category=cat("repair"), content="3栋大堂灯不亮",
                                         location="3栋大堂", actor=site_a.users["security_officer"],
                                         channel=WorkOrder.Channel.PATROL, now=T0)
    assert order.unit is None and order.location == "3栋大堂"
    with pytest.raises(DomainError):
        services.work_order_register(site=site_a.site, category=cat("repair"), content="x",
                                     actor=site_a.users["front_desk"], now=T0)


# SPEC X-02: no registration at another site
def test_register_other_site_refused(site_a, site_b):
    with pytest.raises(DomainError):
        services.work_order_register(site=site_b.site, category=cat("repair"), content="x", location="门口",
                                     actor=site_a.users["front_desk"], now=T0)


# SPEC T-02: BS-YYYYMMDD-NNNN, per site and day, gapless
def test_numbering_per_site_and_day(site_a, site_b):
    a1, a2 = register(site_a), register(site_a, now=T0 + timedelta(minutes=5))
    b1 = register(site_b)
    nextday = register(site_a, now=T0 + timedelta(days=1))
    assert (a1.number, a2.number) == ("BS-20261118-0001", "BS-20261118-0002")
    assert b1.number == "BS-20261118-0001"
    assert nextday.number == "BS-20261119-0001"
    # the day is the local (Asia/Shanghai) day: 23:30 local on the 18th is still the 18th
    late = register(site_a, now=datetime(2026, 11, 18, 23, 30, tzinfo=TZ))
    assert late.number == "BS-20261118-0003"


# SPEC T-02: a failed registration does not use up a number (gapless)
def test_failed_registration_leaves_no_gap(site_a):
    register(site_a)
    with pytest.raises(DomainError):
        services.work_order_register(site=site_a.site, category=cat("repair"), content=" ", location="x",
                                     actor=site_a.users["front_desk"], now=T0)
    assert register(site_a).number == "BS-20261118-0002"


# SPEC T-03: an emergency starts the 3-minute dispatch clock; dispatch stops it
def test_emergency_dispatch_clock(site_a):
    order = register(site_a, "em-water")
    d = deadline_running(order, "ticket.emergency.dispatch")
    assert order.is_emergency and d.due_at == T0 + timedelta(minutes=3)
    services.work_order_dispatch(order=order, actor=site_a.users["front_desk"], now=T0 + timedelta(minutes=2))
    assert deadline_running(order, "ticket.emergency.dispatch") is None


# SPEC T-03: departments work only from a dispatched order
def test_no_completion_before_dispatch(site_a):
    order = register(site_a)
    with pytest.raises(DomainError):
        services.work_order_arrive(order=order, actor=site_a.users["dept_staff"], now=T0)


# SPEC X-03: uploads are checked for type and size
def test_photo_type_checked(site_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(DomainError) as err:
        register(site_a, photos=[bad])
    assert err.value.code == "photo_type"
