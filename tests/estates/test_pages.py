"""Every registry page renders for the roles that use it, in both languages (SPEC X-05)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

KEYS = ["site", "zone", "building", "unit", "resident", "department", "staff"]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_for_site_director_and_company(client, site_a, company_staff, lang):
    for user in (site_a.users["site_director"], company_staff.leader.user):
        client.force_login(user)
        urls = [reverse("estates:home"), reverse("estates:roster"), reverse("estates:import_start")]
        creatable = [k for k in KEYS if k != "site" or user != site_a.users["site_director"]]
        urls += [reverse(f"estates:{k}_list") for k in KEYS] + [reverse(f"estates:{k}_create") for k in creatable]
        for url in urls:
            r = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
            assert r.status_code == 200, url


def test_chinese_by_default(client, site_a):
    # SPEC X-05
    client.force_login(site_a.users["front_desk"])
    html = client.get(reverse("estates:unit_detail", args=[site_a.units[0].pk])).content.decode()
    assert "住户档案" in html and "住户及家庭成员" in html


def test_zone_with_manager_and_building_created_by_supervisor(client, site_a):
    # SPEC O-01
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post(reverse("estates:zone_create"), {"name": "二片区", "manager": site_a.staff["zone_manager"].pk})
    assert r.status_code == 302
    from estates.models import Building, Zone

    zone = Zone.objects.get(name="二片区")
    assert zone.site == site_a.site and zone.manager == site_a.staff["zone_manager"]
    r = client.post(reverse("estates:building_create"), {"number": "9", "name": "9栋", "zone": zone.pk,
                                                         "floors": 18})
    assert r.status_code == 302 and Building.objects.get(site=site_a.site, number="9").zone == zone
    r = client.post(reverse("estates:unit_create"), {"building": Building.objects.get(number="9", site=site_a.site).pk,
                                                     "entrance": "1", "room": "0101", "floor": 1, "area": "80",
                                                     "occupancy": "occupied", "notes": ""})
    assert r.status_code == 302
    r = client.post(reverse("estates:unit_create"), {"building": Building.objects.get(number="9", site=site_a.site).pk,
                                                     "entrance": "1", "room": "0101", "floor": 1, "area": "80",
                                                     "occupancy": "occupied", "notes": "again"})
    assert r.status_code == 200 and r.context["form"].errors["room"]  # 9-1-0101 exists
