"""Issue 20.3 (SPEC T-01): the unit lookup the front desk's registration forms share — natural order, the
household to choose the caller from, a real unit as the example, site isolation; the complaint form
gets the same lookup and starts on the phone channel."""

import pytest
from django.urls import reverse

from estates.models import Resident
from estates.selectors import unit_example_code, unit_household, unit_lookup
from tests.factories import ResidentFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _unit(s, room, entrance="2"):
    return UnitFactory(building=s.building, site=s.site, entrance=entrance, room=room,
                       code=f"3-{entrance}-{room}", floor=int(room[:-2]))


# SPEC T-01: the unit list sorts naturally — 3-2-103 before 3-2-1003 (text order would put 1003 first)
def test_units_sort_naturally(site_a):
    for room in ("1003", "103", "203", "1102"):
        _unit(site_a, room)
    units, _residents = unit_lookup(site_a.users["front_desk"], "3-2-1", limit=20)
    codes = [u.code for u in units]
    assert codes == ["3-2-103", "3-2-1003", "3-2-1102", "3-2-1501", "3-2-1502", "3-2-1601"]
    assert unit_example_code([site_a.site.pk]) == "3-2-103"


# SPEC T-01: choosing among the household — owner first, then tenant, then members; moved-out people are not offered
def test_household_owner_first(site_a):
    unit = site_a.units[0]
    owner = site_a.residents[0]
    member = ResidentFactory(unit=unit, site=site_a.site, name="王小明", kind=Resident.Kind.MEMBER)
    tenant = ResidentFactory(unit=unit, site=site_a.site, name="赵租客", kind=Resident.Kind.TENANT)
    ResidentFactory(unit=unit, site=site_a.site, name="搬走了", is_active=False)
    found, people = unit_household(site_a.users["front_desk"], unit.pk)
    assert found == unit and people == [owner, tenant, member]


# SPEC X-02: another site's units and residents are neither listed nor opened
def test_lookup_is_site_isolated(site_a, site_b):
    units, residents = unit_lookup(site_a.users["front_desk"], "3-2-15")
    assert {u.site_id for u in units} == {site_a.site.pk}
    assert unit_household(site_a.users["front_desk"], site_b.units[0].pk) == (None, [])
    _units, residents = unit_lookup(site_a.users["front_desk"], site_b.residents[0].phone)
    assert residents == []


# SPEC T-01: the pages — the lookup shows each unit once with its occupants, the household chooser preselects the owner
def test_lookup_and_household_pages(client, site_a):
    client.force_login(site_a.users["front_desk"])
    html = client.get(reverse("estates:unit_lookup"), {"unit_code": "3-2-15"}).content.decode()
    assert html.count('data-code="3-2-1502"') == 1 and site_a.residents[1].name in html
    html = client.get(reverse("estates:unit_lookup"), {"unit_code": site_a.residents[0].phone}).content.decode()
    assert f'data-resident="{site_a.residents[0].pk}"' in html
    ResidentFactory(unit=site_a.units[0], site=site_a.site, name="王小明", kind=Resident.Kind.MEMBER)
    html = client.get(reverse("estates:unit_household"), {"unit": site_a.units[0].pk}).content.decode()
    owner = site_a.residents[0]
    assert f'data-testid="member-{owner.pk}"' in html and "王小明" in html
    assert html.index(owner.name) < html.index("王小明")
    assert f'data-phone="{owner.phone}"' in html and 'aria-pressed="true"' in html
    assert client.get(reverse("estates:unit_household"), {"unit": "abc"}).status_code == 200


# SPEC T-01: the help example is a real unit of the clerk's site; the complaint form has the same lookup, phone first
def test_forms_use_a_real_unit_and_the_lookup(client, site_a):
    first = _unit(site_a, "101", entrance="1")
    client.force_login(site_a.users["front_desk"])
    html = client.get(reverse("tickets:order_create")).content.decode()
    assert first.code in html and "3-2-1502" not in html.split("data-lookup-box")[0].rsplit("<label", 1)[-1]
    assert "data-unit-pick" in html and reverse("estates:unit_lookup") in html
    html = client.get(reverse("complaints:complaint_create")).content.decode()
    assert first.code in html and "data-unit-pick" in html and reverse("estates:unit_household") in html
    assert '<option value="phone" selected>' in html
