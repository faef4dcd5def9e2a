"""SPEC X-01: every change of a registry record is in its timeline (who, when, before → after)."""

import pytest
from django.urls import reverse

from core.errors import DomainError
from estates.models import RegistryEvent, Resident
from estates.selectors import registry_history
from estates.services import resident_move_out, staff_set_active, staff_set_roles, unit_archive

pytestmark = pytest.mark.django_db


def test_editing_a_unit_records_who_and_before_after(client, site_a):
    # SPEC X-01
    unit = site_a.units[0]
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("estates:unit_edit", args=[unit.pk]), {
        "building": unit.building_id, "entrance": unit.entrance, "room": unit.room, "floor": unit.floor,
        "area": "101.50", "occupancy": "vacant", "notes": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 302, r.context["form"].errors
    history = registry_history(unit)
    last = history[-1]
    assert last["actor"] == site_a.users["front_desk"]
    changes = {label: (before, after) for label, before, after in last["changes"]}
    assert changes["floor area (m²)"] == ("89.50", "101.50")
    assert changes["occupancy"] == ("Occupied", "Vacant")
    page = client.get(reverse("estates:unit_detail", args=[unit.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="timeline"' in page and "89.50 → 101.50" in page


def test_editing_a_resident_via_page_keeps_id_masked_in_history(client, site_a):
    # SPEC X-01, §0 masking
    res = site_a.residents[0]
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("estates:resident_edit", args=[res.pk]), {
        "unit_code": res.unit.code, "name": "王新名", "kind": "tenant", "phone": "13700000000", "phone2": "",
        "id_number": "", "relation": "", "move_in_date": ""})
    assert r.status_code == 302, r.context["form"].errors
    res.refresh_from_db()
    assert res.name == "王新名" and res.id_number == "440301198001011234"  # empty field keeps the number
    page = client.get(reverse("estates:resident_detail", args=[res.pk])).content.decode()
    assert "王新名" in page and "440301198001011234" not in page
    client.post(reverse("estates:resident_edit", args=[res.pk]), {
        "unit_code": res.unit.code, "name": "王新名", "kind": "tenant", "phone": "13700000000", "phone2": "",
        "id_number": "440301198503154417", "relation": "", "move_in_date": ""})
    res.refresh_from_db()
    assert res.id_number == "440301198503154417"
    page = client.get(reverse("estates:resident_detail", args=[res.pk])).content.decode()
    assert "440301198503154417" not in page and "440***********4417" in page


def test_moved_out_archived_deactivated_and_roles_are_in_history(site_a):
    # SPEC X-01: nobody deletes — marked with a reason, in history
    sup = site_a.users["cs_supervisor"]
    res = resident_move_out(resident=site_a.residents[1], actor=sup, reason="房屋出售")
    assert Resident.objects.filter(pk=res.pk, is_active=False, moved_out_reason="房屋出售").exists()
    with pytest.raises(DomainError):
        resident_move_out(resident=res, actor=sup, reason="again")
    unit_archive(unit=site_a.units[2], actor=sup, reason="合并房号")
    staff = site_a.staff["dept_staff"]
    staff_set_roles(staff=staff, roles=["dept_staff", "front_desk"], actor=sup)
    staff_set_active(staff=staff, active=False, actor=sup, reason="离职")
    staff.user.refresh_from_db()
    assert not staff.user.is_active
    kinds = set(RegistryEvent.objects.values_list("kind", flat=True))
    assert {"moved_out", "archived", "roles_changed", "deactivated"} <= kinds
    entries = registry_history(staff)
    roles_entry = next(e for e in entries if e["kind"] == str(RegistryEvent.Kind.ROLES_CHANGED.label))
    assert roles_entry["actor"] == sup and roles_entry["changes"]
    assert any(e["note"] == "离职" for e in entries)


def test_history_is_append_only(site_a):
    # SPEC X-01
    unit_archive(unit=site_a.units[2], actor=site_a.users["cs_supervisor"], reason="合并")
    ev = RegistryEvent.objects.get()
    with pytest.raises(ValueError):
        ev.save()
    with pytest.raises(ValueError):
        ev.delete()
