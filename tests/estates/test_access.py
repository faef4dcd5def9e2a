"""SPEC X-02 / §0: who may manage staff, edit the registry, and see a full ID number."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from estates.models import RegistryEvent, Staff
from estates.services import resident_reveal_id_number, staff_create, staff_set_roles

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "allowed"), [("cs_supervisor", True), ("center_head", True),
                                               ("site_director", True), ("front_desk", False),
                                               ("zone_manager", False), ("finance", False)])
def test_who_may_manage_staff(client, site_a, role, allowed):
    # SPEC X-02: only CS supervisor / center head / site director of that site, or company roles
    client.force_login(site_a.users[role])
    r = client.post(reverse("estates:staff_create"), {
        "username": "a_new_desk", "password": "Very-long-pass-42", "name": "新前台", "phone": "13800001111",
        "employee_no": "", "roles": ["front_desk"]})
    assert (r.status_code == 302) is allowed
    assert Staff.objects.filter(user__username="a_new_desk").exists() is allowed
    if allowed:
        s = Staff.objects.get(user__username="a_new_desk")
        assert s.site == site_a.site and s.user.email == "a_new_desk@propserv.local"
        assert list(s.user.groups.values_list("name", flat=True)) == ["front_desk"]
        assert s.user.password.startswith("md5$") or s.user.check_password("Very-long-pass-42")


def test_site_manager_cannot_grant_company_roles(site_a):
    # SPEC X-02
    with pytest.raises(DomainError):
        staff_set_roles(staff=site_a.staff["front_desk"], roles=["front_desk", "executive"],
                        actor=site_a.users["site_director"])
    with pytest.raises(DomainError):
        staff_create(actor=site_a.users["site_director"], site=site_a.site, username="x_boss",
                     password="Very-long-pass-42", name="X", roles=["company_leader"])


def test_company_leader_manages_staff_of_any_site(client, site_a, site_b, company_staff):
    # SPEC X-02
    client.force_login(company_staff.leader.user)
    staff = site_b.staff["dept_staff"]
    r = client.post(reverse("estates:staff_edit", args=[staff.pk]), {
        "name": "改名员工", "phone": "13800002222", "employee_no": "E1", "department": site_b.depts["cs"].pk,
        "roles": ["front_desk"]})
    assert r.status_code == 302, r.context["form"].errors
    staff.refresh_from_db()
    assert staff.name == "改名员工" and staff.department == site_b.depts["cs"]
    assert list(staff.user.groups.values_list("name", flat=True)) == ["front_desk"]


def test_staff_form_refuses_another_sites_department(client, site_a, site_b):
    # SPEC X-02: related choices limited to the user's site
    client.force_login(site_a.users["cs_supervisor"])
    staff = site_a.staff["dept_staff"]
    r = client.post(reverse("estates:staff_edit", args=[staff.pk]), {
        "name": staff.name, "phone": "", "employee_no": "", "department": site_b.depts["cs"].pk, "roles": []})
    assert r.status_code == 200 and r.context["form"].errors["department"]


def test_front_desk_edits_residents_but_not_structure(client, site_a):
    # SPEC X-02
    client.force_login(site_a.users["front_desk"])
    assert client.get(reverse("estates:resident_edit", args=[site_a.residents[0].pk])).status_code == 200
    assert client.get(reverse("estates:zone_edit", args=[site_a.zone.pk])).status_code == 403
    assert client.get(reverse("estates:site_edit", args=[site_a.site.pk])).status_code == 403
    assert client.get(reverse("estates:staff_create")).status_code == 403
    assert client.get(reverse("estates:department_create")).status_code == 403
    client.force_login(site_a.users["dept_staff"])
    assert client.get(reverse("estates:resident_edit", args=[site_a.residents[0].pk])).status_code == 403


def test_id_number_masked_and_shown_only_to_supervisors_with_a_record(client, site_a):
    # SPEC §0: ID number masked on screen; full number only on an explicit, recorded action
    res = site_a.residents[0]
    assert res.id_number_masked == "440***********1234"
    client.force_login(site_a.users["front_desk"])
    page = client.get(reverse("estates:unit_detail", args=[res.unit_id])).content.decode()
    assert "440***********1234" in page and "440301198001011234" not in page
    page = client.get(reverse("estates:resident_detail", args=[res.pk])).content.decode()
    assert "440301198001011234" not in page and 'data-testid="reveal-id"' not in page
    assert client.post(reverse("estates:resident_reveal_id", args=[res.pk])).status_code == 403
    edit = client.get(reverse("estates:resident_edit", args=[res.pk])).content.decode()
    assert "440301198001011234" not in edit
    assert not RegistryEvent.objects.filter(kind="id_revealed").exists()

    client.force_login(site_a.users["cs_supervisor"])
    page = client.get(reverse("estates:resident_detail", args=[res.pk])).content.decode()
    assert 'data-testid="reveal-id"' in page and "440301198001011234" not in page
    r = client.post(reverse("estates:resident_reveal_id", args=[res.pk]), HTTP_HX_REQUEST="true")
    assert "440301198001011234" in r.content.decode()
    ev = RegistryEvent.objects.get(kind="id_revealed")
    assert ev.actor == site_a.users["cs_supervisor"] and ev.object_id == res.pk
    page = client.get(reverse("estates:resident_detail", args=[res.pk])).content.decode()
    assert "440301198001011234" not in page  # shown once, masked again


def test_reveal_service_rechecks_permission(site_a):
    with pytest.raises(DomainError):
        resident_reveal_id_number(resident=site_a.residents[0], actor=site_a.users["zone_staff"])


def test_unit_search_by_code_prefix_name_and_phone(client, site_a):
    # SPEC O-01
    client.force_login(site_a.users["front_desk"])
    url = reverse("estates:unit_list")
    codes = lambda r: [row["obj"].code for row in r.context["rows"]]  # noqa: E731
    assert codes(client.get(url, {"q": "3-2-15"})) == ["3-2-1501", "3-2-1502"]
    res = site_a.residents[2]
    assert res.unit.code in codes(client.get(url, {"q": res.name}))
    assert codes(client.get(url, {"q": res.phone[-6:]})) == [res.unit.code]


def test_resident_create_with_typed_unit_code_and_error_kept(client, site_a, site_b):
    # SPEC O-01, X-03
    client.force_login(site_a.users["front_desk"])
    data = {"unit_code": "9-9-9999", "name": "林一", "kind": "owner", "phone": "13600001111", "phone2": "",
            "id_number": "", "relation": "", "move_in_date": ""}
    r = client.post(reverse("estates:resident_create"), data)
    assert r.status_code == 200 and r.context["form"].errors["unit_code"]
    assert 'value="林一"' in r.content.decode()
    data["unit_code"] = "3-2-1601"
    r = client.post(reverse("estates:resident_create"), data)
    assert r.status_code == 302
    from estates.models import Resident

    created = Resident.objects.get(name="林一")
    assert created.unit == site_a.units[2] and created.site == site_a.site  # not site B's 3-2-1601
