"""SPEC X-02: site isolation in the query — a site-A user gets 404 for every URL of a site-B record."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from estates.models import DutyShift, ImportJob, UnitDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _site_b_records(site_b):
    doc = UnitDocument(unit=site_b.units[0], site=site_b.site, doc_type="agreement", original_name="a.pdf",
                       size=len(PDF), content_type="application/pdf")
    doc.file.save("a.pdf", ContentFile(PDF), save=False)
    doc.save()
    shift = DutyShift.objects.create(site=site_b.site, staff=site_b.staff["front_desk"], date="2026-11-23",
                                     start="08:30", end="18:00")
    job = ImportJob(site=site_b.site, kind="units", original_name="u.csv")
    job.file.save("u.csv", ContentFile("房号\n3-2-1502\n".encode()), save=False)
    job.save()
    return {"site": site_b.site, "zone": site_b.zone, "building": site_b.building, "unit": site_b.units[0],
            "resident": site_b.residents[0], "department": site_b.depts["cs"],
            "staff": site_b.staff["front_desk"], "document": doc, "shift": shift, "import": job}


GET_URLS = [
    ("estates:site_detail", "site"), ("estates:site_edit", "site"),
    ("estates:zone_detail", "zone"), ("estates:zone_edit", "zone"),
    ("estates:building_detail", "building"), ("estates:building_edit", "building"),
    ("estates:unit_detail", "unit"), ("estates:unit_edit", "unit"),
    ("estates:resident_detail", "resident"), ("estates:resident_edit", "resident"),
    ("estates:department_detail", "department"), ("estates:department_edit", "department"),
    ("estates:staff_detail", "staff"), ("estates:staff_edit", "staff"),
    ("estates:document_download", "document"),
    ("estates:import_detail", "import"),
]
POST_URLS = [
    ("estates:unit_archive", "unit"), ("estates:document_add", "unit"), ("estates:document_void", "document"),
    ("estates:resident_move_out", "resident"), ("estates:resident_reveal_id", "resident"),
    ("estates:staff_set_active", "staff"), ("estates:roster_cancel", "shift"), ("estates:import_confirm", "import"),
    ("estates:unit_edit", "unit"), ("estates:resident_edit", "resident"), ("estates:staff_edit", "staff"),
    ("estates:zone_edit", "zone"), ("estates:building_edit", "building"), ("estates:department_edit", "department"),
]


# SPEC X-02
@pytest.mark.parametrize("role", ["front_desk", "cs_supervisor", "site_director"])
@pytest.mark.parametrize(("name", "key"), GET_URLS, ids=[n for n, _k in GET_URLS])
def test_every_registry_page_of_site_b_is_404_for_site_a(client, site_a, site_b, role, name, key):
    record = _site_b_records(site_b)[key]
    client.force_login(site_a.users[role])
    assert client.get(reverse(name, args=[record.pk])).status_code == 404


# SPEC X-02
@pytest.mark.parametrize(("name", "key"), POST_URLS, ids=[n for n, _k in POST_URLS])
def test_every_registry_action_on_site_b_is_404_and_changes_nothing(client, site_a, site_b, name, key):
    records = _site_b_records(site_b)
    client.force_login(site_a.users["site_director"])
    r = client.post(reverse(name, args=[records[key].pk]), {"reason": "x", "name": "改名", "active": "0"})
    assert r.status_code == 404
    site_b.residents[0].refresh_from_db()
    assert site_b.residents[0].is_active and site_b.residents[0].name != "改名"
    assert records["staff"].user.is_active


# SPEC X-02
def test_own_site_records_open_and_company_roles_see_all_sites(client, site_a, site_b, company_staff):
    a, b = _site_b_records(site_a), _site_b_records(site_b)
    client.force_login(site_a.users["front_desk"])
    for name, key in GET_URLS:
        if key in ("site", "department", "zone", "building", "staff", "import") and name.endswith("_edit"):
            continue  # front desk may look, not change structure
        assert client.get(reverse(name, args=[a[key].pk])).status_code == 200, name
    client.force_login(company_staff.leader.user)
    for name, key in GET_URLS:
        assert client.get(reverse(name, args=[b[key].pk])).status_code == 200, name


# SPEC X-02
@pytest.mark.parametrize("key", ["site", "zone", "building", "unit", "resident", "department", "staff"])
def test_lists_show_only_own_site(client, site_a, site_b, key):
    client.force_login(site_a.users["cs_supervisor"])
    r = client.get(reverse(f"estates:{key}_list"))
    assert r.status_code == 200
    shown = {row["obj"].site_id if key != "site" else row["obj"].pk for row in r.context["rows"]}
    assert shown == {site_a.site.pk}


def test_site_b_roster_is_404_for_site_a(client, site_a, site_b):
    # SPEC X-02
    client.force_login(site_a.users["cs_supervisor"])
    assert client.get(reverse("estates:roster"), {"site": site_b.site.pk}).status_code == 404
    r = client.post(reverse("estates:roster_add"), {"site": site_b.site.pk, "staff": site_b.staff["front_desk"].pk,
                                                    "date": "2026-11-23", "start": "08:30", "end": "12:00"})
    assert r.status_code == 404
    assert not DutyShift.objects.filter(site=site_b.site).exists()


def test_site_b_unit_is_404_for_site_a_user(client, site_a, site_b):
    # SPEC X-02: site isolation in the query
    client.force_login(site_a.users["front_desk"])
    assert client.get(f"/estates/units/{site_a.units[0].pk}/").status_code == 200
    assert client.get(f"/estates/units/{site_b.units[0].pk}/").status_code == 404


def test_login_required_everywhere(client, site_a):
    # SPEC X-02
    for url in (f"/estates/units/{site_a.units[0].pk}/", "/estates/", "/estates/roster/", "/estates/imports/"):
        r = client.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"]
