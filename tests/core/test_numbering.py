"""Issue 23.1: one gapless, locked numbering service for work orders and complaints."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from complaints.services import complaint_receive
from core.models import NumberCounter
from core.numbering import number_take
from core.roles import Role
from tests.concurrency import errors_of, run_at_once
from tests.factories import make_staff
from tests.tickets.helpers import cat
from tickets.services import work_order_register

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def _register(site, n=1, now=T0):
    return [work_order_register(site=site.site, category=cat("repair"), content="漏水", unit=site.units[0],
                                actor=site.users["front_desk"], now=now) for _ in range(n)]


@pytest.mark.django_db
def test_series_and_sites_count_separately_and_a_rollback_gives_the_number_back(site_a, site_b):
    """Issue 23.1: per (site, series, period); gapless — a rolled-back record hands its number back."""
    with transaction.atomic():
        assert number_take(site_id=site_a.site.pk, series="BS", period="20261118") == 1
        assert number_take(site_id=site_a.site.pk, series="TS", period="20261118") == 1
        assert number_take(site_id=site_b.site.pk, series="BS", period="20261118") == 1
        assert number_take(site_id=site_a.site.pk, series="BS", period="20261119") == 1
        assert number_take(site_id=site_a.site.pk, series="BS", period="20261118") == 2
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert number_take(site_id=site_a.site.pk, series="BS", period="20261118") == 3
        raise ZeroDivisionError  # the record fails after taking its number
    with transaction.atomic():
        assert number_take(site_id=site_a.site.pk, series="BS", period="20261118") == 3


@pytest.mark.django_db
def test_work_orders_and_complaints_use_the_shared_counter(site_a):
    """SPEC T-02 format kept; both series live in core.NumberCounter."""
    orders = _register(site_a, 2)
    assert [o.number for o in orders] == ["BS-20261118-0001", "BS-20261118-0002"]
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="噪音", now=T0)
    assert c.number == "TS-20261118-0001"  # issue 20.9: one style with the orders' BS-
    assert NumberCounter.objects.get(site=site_a.site, series="BS", period="20261118").last == 2
    assert NumberCounter.objects.get(site=site_a.site, series="TS", period="20261118").last == 1


@pytest.mark.django_db
def test_counter_created_later_continues_after_existing_numbers(site_a):
    """Records numbered before the shared counter existed: the new row starts after the highest one."""
    orders = _register(site_a, 3)
    c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="噪音", now=T0)
    NumberCounter.objects.all().delete()
    assert _register(site_a)[0].number == "BS-20261118-0004"
    c2 = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="噪音", now=T0)
    assert c2.number == c.number[:-4] + "0002"
    assert len({o.number for o in orders}) == 3


@pytest.mark.django_db
def test_the_number_is_the_last_write_of_registration(site_a, django_assert_num_queries):
    """Issue 13.11: the counter row is locked as late as possible — after the order, its clocks and event."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _register(site_a, now=T0 + timedelta(minutes=1))
    sqls = [q["sql"] for q in ctx.captured_queries]
    first_counter = next(i for i, s in enumerate(sqls) if "core_numbercounter" in s)
    assert any('INSERT INTO "tickets_workorderevent"' in s for s in sqls[:first_counter])
    assert any('INSERT INTO "core_deadline"' in s for s in sqls[:first_counter])
    assert not any('INSERT INTO "core_deadline"' in s for s in sqls[first_counter:])


# ------------------------------------------------------------------ PostgreSQL: real concurrency
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_front_desk_users_record_complaints_at_once(site_a):
    """Issue 23.1: two clerks post the intake form at the same moment → two complaints with
    consecutive numbers, no 500 (was IntegrityError on complaints_complaint_number_key)."""
    second = make_staff(site_a.site, Role.FRONT_DESK, department=site_a.staff["front_desk"].department,
                        username="a_front_desk_2")
    clients = []
    for user in (site_a.users["front_desk"], second.user):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("complaints:complaint_create")
    data = {"kind": "complaint", "received_at": "2026-11-18T10:00", "channel": "visit", "severity": "normal",
            "unit_code": site_a.units[0].code, "subject": "电梯异响"}
    for _round in range(3):
        outcomes = run_at_once([lambda c=c: c.post(url, data) for c in clients])
        assert errors_of(outcomes) == []
        assert sorted(r.status_code for r in outcomes) == [302, 302]
    numbers = sorted(Complaint.objects.values_list("number", flat=True))
    assert len(numbers) == 6
    suffixes = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert suffixes == list(range(1, 7))  # consecutive, gapless
