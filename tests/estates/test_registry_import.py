"""SPEC O-01: sites, zones, buildings, departments and staff are bulk-imported from a spreadsheet with a
row-by-row report; a bad row is reported, the good rows are not lost; importing twice creates nothing new."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core.errors import DomainError
from estates.imports import registry_import, registry_template_csv
from estates.models import Building, Department, Site, Staff, Zone

pytestmark = pytest.mark.django_db


def _csv(text: str, name: str = "registry.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _xlsx(rows, name="staff.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


# SPEC O-01: zones, then buildings in those zones; a bad row is reported, the good ones kept
def test_zones_and_buildings(site_a):
    head = site_a.users["cs_supervisor"]
    r = registry_import(kind="zones", upload=_csv("片区名称\n南区\n北区\n\n南区\n"), site=site_a.site, actor=head)
    assert (r.total, r.created, r.unchanged, r.errors) == (3, 2, 1, [])
    body = "楼栋号,名称,楼层数,片区\n21,21 号楼,18,南区\n22,22 号楼,十八,北区\n23,,12,不存在\n24,,6,\n"
    r = registry_import(kind="buildings", upload=_csv(body), site=site_a.site, actor=head)
    assert r.created == 2
    assert [(e["row"], e["column"]) for e in r.errors] == [(3, "楼层数"), (4, "片区")]
    assert Building.objects.get(site=site_a.site, number="21").zone == Zone.objects.get(site=site_a.site, name="南区")
    assert not Building.objects.filter(site=site_a.site, number__in=["22", "23"]).exists()
    # the same file again: nothing new
    r = registry_import(kind="buildings", upload=_csv(body), site=site_a.site, actor=head)
    assert (r.created, r.updated, r.unchanged) == (0, 0, 2)


# SPEC O-01: departments by Chinese type; staff with department, zone and roles, from XLSX
def test_departments_and_staff(site_a):
    head = site_a.users["site_director"]
    r = registry_import(kind="departments", upload=_csv("部门名称,类型\n绿化组,绿化\n外包组,未知\n"),
                        site=site_a.site, actor=head)
    assert r.created == 1 and r.errors[0]["row"] == 3 and r.errors[0]["column"] == "类型"
    assert Department.objects.get(site=site_a.site, name="绿化组").kind == "greening"
    rows = [["登录名", "姓名", "手机", "工号", "部门", "片区", "角色"],
            ["lvhua01", "赵绿", "13800001111", "G01", "绿化组", "", "班组员工"],
            ["lvhua02", "钱绿", "123", "G02", "绿化组", "", ""],
            ["lvhua03", "孙绿", "", "", "不存在的部门", "", ""],
            ["lvhua04", "李绿", "", "", "", "", "班组员工、片区客服"]]
    r = registry_import(kind="staff", upload=_xlsx(rows), site=site_a.site, actor=head)
    assert r.created == 2, r.errors
    assert [e["row"] for e in r.errors] == [3, 4]
    zhao = Staff.objects.get(user__username="lvhua01")
    assert zhao.site == site_a.site and zhao.department.name == "绿化组" and zhao.phone == "13800001111"
    assert set(zhao.user.groups.values_list("name", flat=True)) == {"dept_staff"}
    assert not zhao.user.has_usable_password()  # set on the staff page, never in a spreadsheet
    li = Staff.objects.get(user__username="lvhua04")
    assert set(li.user.groups.values_list("name", flat=True)) == {"dept_staff", "zone_staff"}
    # again, with a changed phone: one update, nothing created
    rows[1][2] = "13800002222"
    r = registry_import(kind="staff", upload=_xlsx(rows), site=site_a.site, actor=head)
    assert (r.created, r.updated) == (0, 1)
    assert Staff.objects.get(user__username="lvhua01").phone == "13800002222"


# SPEC O-01: sites are imported by company-level users only; check-only changes nothing
def test_sites_company_level_and_check_only(site_a, site_b, company_staff):
    body = f"代码,名称,地址,户数\nNEW1,新园,海滨路 1 号,800\n{site_b.site.code},改名园,,\nBAD,坏园,,很多\n"
    with pytest.raises(DomainError):
        registry_import(kind="sites", upload=_csv(body), actor=site_a.users["site_director"])
    leader = company_staff.leader.user
    r = registry_import(kind="sites", upload=_csv(body), actor=leader, check_only=True)
    assert (r.created, r.updated, len(r.errors)) == (1, 1, 1) and r.check_only
    assert not Site.objects.filter(code="NEW1").exists()
    r = registry_import(kind="sites", upload=_csv(body), actor=leader)
    assert Site.objects.get(code="NEW1").households == 800
    assert Site.objects.get(pk=site_b.site.pk).name == "改名园"
    assert r.errors == [{"row": 4, "column": "户数", "message": r.errors[0]["message"]}]


# SPEC O-01, X-02: another site's manager cannot import into this site; a file without the key column
def test_refusals(site_a, site_b):
    with pytest.raises(DomainError) as err:
        registry_import(kind="zones", upload=_csv("片区名称\n南区\n"), site=site_a.site,
                        actor=site_b.users["cs_supervisor"])
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        registry_import(kind="zones", upload=_csv("备注\nx\n"), site=site_a.site, actor=site_a.users["cs_supervisor"])
    assert err.value.code == "columns"
    with pytest.raises(DomainError) as err:
        registry_import(kind="zones", upload=SimpleUploadedFile("z.csv", b"\x89PNG\r\n\x1a\n"), site=site_a.site,
                        actor=site_a.users["cs_supervisor"])
    assert err.value.code == "file_type"


def test_templates_have_chinese_headers():
    # SPEC O-01
    assert registry_template_csv("staff").decode("utf-8-sig").startswith("登录名,姓名")


# SPEC O-01, X-03: the page shows the row report; a wrong file is an error next to the field, never a 500
def test_registry_import_page(client, site_a):
    from django.urls import reverse

    client.force_login(site_a.users["cs_supervisor"])
    url = reverse("estates:registry_import")
    assert client.get(url).status_code == 200
    r = client.post(url, {"kind": "zones", "site": site_a.site.pk, "check_only": "",
                          "upload": _csv("片区名称\n中区\n\n中区\n")})
    assert r.status_code == 200
    assert r.context["result"].created == 1 and Zone.objects.filter(site=site_a.site, name="中区").exists()
    assert 'data-testid="registry-import-report"' in r.content.decode()
    r = client.post(url, {"kind": "zones", "site": site_a.site.pk,
                          "upload": SimpleUploadedFile("z.csv", b"\x89PNG\r\n\x1a\n")})
    assert r.status_code == 200 and r.context["form"].errors["upload"]
    assert client.get(reverse("estates:registry_import_template", args=["zones"])).status_code == 200
    client.force_login(site_a.users["front_desk"])
    assert client.get(url).status_code == 403
