"""Issue 23.8: work-order numbers are unique per site (SPEC T-02), so they repeat across sites; wherever
several sites' orders appear the site code goes with the number, and a search names one order."""

import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.tickets.helpers import complete, dispatch, register
from tickets.models import WorkOrder
from tickets.printing import settlement_xlsx
from tickets.selectors import settlement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


@pytest.fixture
def same_numbers(site_a, site_b):
    a, b = register(site_a), register(site_b)
    assert a.number == b.number == "BS-20261118-0001"
    return a, b


def test_company_list_shows_the_site_with_each_number(client, company_staff, same_numbers):
    client.force_login(company_staff.leader.user)
    r = client.get(reverse("tickets:order_list"))
    body = r.content.decode()
    assert {o.pk for o in r.context["orders"]} == {o.pk for o in same_numbers}
    assert body.count('data-testid="order-site"') == 2
    assert 'data-testid="order-site">TA<' in body and 'data-testid="order-site">TB<' in body
    assert same_numbers[0].site_number == "TA BS-20261118-0001"


def test_a_site_user_sees_no_site_column(client, site_a, same_numbers):
    client.force_login(site_a.users["front_desk"])
    assert 'data-testid="order-site"' not in client.get(reverse("tickets:order_list")).content.decode()


@pytest.mark.parametrize("q", ["TB BS-20261118-0001", "tb-BS-20261118-0001", "TB/BS-20261118-0001",
                               "TBBS-20261118-0001"])
def test_a_search_qualified_by_site_code_finds_one_order(client, company_staff, same_numbers, q):
    client.force_login(company_staff.leader.user)
    r = client.get(reverse("tickets:order_list"), {"q": q})
    assert [o.pk for o in r.context["orders"]] == [same_numbers[1].pk]


def test_a_bare_number_at_company_level_lists_each_site_s_order_with_its_site(client, company_staff, same_numbers):
    client.force_login(company_staff.leader.user)
    r = client.get(reverse("tickets:order_list"), {"q": "BS-20261118-0001"})
    assert sorted(o.site.code for o in r.context["orders"]) == ["TA", "TB"]


def test_a_site_code_of_another_site_finds_nothing_for_a_site_user(client, site_a, same_numbers):
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("tickets:order_list"), {"q": "TB BS-20261118-0001"})
    assert list(r.context["orders"]) == []


def test_settlement_export_names_the_site_of_each_order(site_a, site_b):
    from openpyxl import load_workbook

    from tests.tickets.helpers import price

    for s in (site_a, site_b):
        complete(s, dispatch(s, register(s)), charges=[(price(), 1)], price_told=True)
    # SPEC T-13: only approved charges are settled (issue 16.5)
    WorkOrder.objects.update(charges_approved_by=site_a.users["cs_supervisor"])
    data = settlement([site_a.site.pk, site_b.site.pk], 2026, 11)
    ws = load_workbook(io.BytesIO(settlement_xlsx(data, 2026, 11))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows.index(next(r for r in rows if r[1] in ("Number", "编号", "单号")))
    lines = [r for r in rows[header + 1:] if r[1]]
    assert sorted((r[0], r[1]) for r in lines) == [("TA", "BS-20261118-0001"), ("TB", "BS-20261118-0001")]
