"""SPEC O-01: bulk import of units and residents with a row-by-row error report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.errors import DomainError
from estates.imports import import_job_confirm, import_job_create, template_csv, template_xlsx
from estates.models import ImportJob, Resident, Unit

pytestmark = pytest.mark.django_db

UNITS_CSV = (
    "房号,建筑面积(㎡),楼层,入住状态,片区,备注\n"
    "5-1-0101,88.5,1,已入住,,\n"
    "5-1-0102,abc,1,已入住,,\n"          # row 3: bad area
    "5-1-0201,92,,空置,,\n"
    "51-0202,90,2,已入住,,\n"            # row 5: bad code
    "5-1-0101,88.5,1,已入住,,\n"          # row 6: duplicate of row 2
    "5-1-0301,95,3,闲置,不存在片区,\n"     # row 7: bad occupancy and unknown zone
    "5-2-0301,95,3,已交房未入住,,\n"
)


def _csv(text: str, name: str = "units.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def _xlsx(rows, name: str = "residents.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def _run(site, user, upload, kind):
    job = import_job_create(site=site, kind=kind, upload=upload, actor=user)
    return import_job_confirm(job=job, actor=user)


# SPEC O-01
def test_units_csv_bad_rows_reported_good_rows_kept_reimport_no_duplicates(site_a):
    user = site_a.users["cs_supervisor"]
    job = import_job_create(site=site_a.site, kind=ImportJob.Kind.UNITS, upload=_csv(UNITS_CSV), actor=user)
    assert job.status == ImportJob.Status.PREVIEW
    assert job.total_rows == 7 and job.good_rows == 3
    assert not Unit.objects.filter(code__startswith="5-").exists()  # preview imports nothing
    by_row = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append(e["column"])
    assert by_row == {3: ["建筑面积(㎡)"], 5: ["房号"], 6: ["房号"], 7: ["入住状态", "片区"]}
    assert all(e["message"] for e in job.errors)
    assert "楼栋-单元-房间" in next(e["message"] for e in job.errors if e["row"] == 5)  # the report is in Chinese
    assert "第 2 行" in next(e["message"] for e in job.errors if e["row"] == 6)

    job = import_job_confirm(job=job, actor=user)
    assert job.status == ImportJob.Status.DONE and job.created_count == 3 and job.updated_count == 0
    codes = set(Unit.objects.filter(site=site_a.site, code__startswith="5-").values_list("code", flat=True))
    assert codes == {"5-1-0101", "5-1-0201", "5-2-0301"}
    u = Unit.objects.get(site=site_a.site, code="5-1-0201")
    assert (u.building.number, u.entrance, u.room, u.floor, u.occupancy) == ("5", "1", "0201", 2, "vacant")
    assert u.history.first().history_user == user  # SPEC X-01: imported rows have history

    again = _run(site_a.site, user, _csv(UNITS_CSV), ImportJob.Kind.UNITS)
    assert again.created_count == 0 and again.updated_count == 0
    assert Unit.objects.filter(site=site_a.site, code__startswith="5-").count() == 3


# SPEC O-01
def test_residents_xlsx_errors_and_upsert(site_a, site_b):
    user = site_a.users["cs_supervisor"]
    header = ["房号", "姓名", "类型", "手机", "备用电话", "身份证号", "入住日期", "与业主关系"]
    rows = [header,
            ["3-2-1502", "周晓东", "业主", 13912340001, "", "440305198502021239", "2021-03-01", ""],
            ["3-2-1502", "周子涵", "家庭成员", "", "", "", "", "子女"],
            ["9-9-9999", "钱多多", "业主", "13912340002", "", "", "", ""],          # row 4: unknown unit
            ["3-2-1601", "", "租户", "13912340003", "", "", "", ""],                # row 5: no name
            ["3-2-1601", "孙悟", "房东", "1391234", "", "12345", "2021-13-45", ""],  # row 6: 4 errors
            ]
    job = _run(site_a.site, user, _xlsx(rows), ImportJob.Kind.RESIDENTS)
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 2
    assert sorted({e["row"] for e in job.errors}) == [4, 5, 6]
    assert {e["column"] for e in job.errors if e["row"] == 6} == {"类型", "手机", "身份证号", "入住日期"}
    owner = Resident.objects.get(site=site_a.site, name="周晓东")
    assert owner.phone == "13912340001" and owner.kind == "owner" and str(owner.move_in_date) == "2021-03-01"
    assert Resident.objects.get(name="周子涵").kind == "member"

    rows[2][7] = "儿子"  # changed relation: updated, not duplicated
    again = _run(site_a.site, user, _xlsx(rows), ImportJob.Kind.RESIDENTS)
    assert again.created_count == 0 and again.updated_count == 1
    assert Resident.objects.filter(site=site_a.site, name__in=["周晓东", "周子涵"]).count() == 2
    assert Resident.objects.get(name="周子涵").relation == "儿子"
    # the same unit code at site B is a different unit: untouched
    assert not Resident.objects.filter(site=site_b.site, name="周晓东").exists()


# SPEC O-01
def test_units_xlsx_import(site_a):
    user = site_a.users["site_director"]
    rows = [["房号", "建筑面积(㎡)", "楼层", "入住状态"], ["7-1-1201", 101.25, 12, "已入住"], ["7-1-1202", "", "", ""]]
    job = _run(site_a.site, user, _xlsx(rows, "units.xlsx"), ImportJob.Kind.UNITS)
    assert job.created_count == 2 and not job.errors
    assert str(Unit.objects.get(site=site_a.site, code="7-1-1201").area) == "101.25"
    assert Unit.objects.get(site=site_a.site, code="7-1-1202").floor == 12  # from the room number


# SPEC O-01
def test_missing_columns_and_wrong_file_are_refused(site_a):
    user = site_a.users["cs_supervisor"]
    # issue 13.5: unknown or missing unit columns are matched by the user, not refused
    job = import_job_create(site=site_a.site, kind="units", upload=_csv("面积\n12\n"), actor=user)
    assert job.status == ImportJob.Status.MAPPING and not Unit.objects.filter(area=12).exists()
    with pytest.raises(DomainError) as err:
        import_job_create(site=site_a.site, kind="units", upload=SimpleUploadedFile("x.xlsx", b"not a zip"),
                          actor=user)
    assert err.value.code == "file_type"
    with pytest.raises(DomainError) as err:
        import_job_create(site=site_a.site, kind="units", upload=SimpleUploadedFile("x.txt", b"a"), actor=user)
    assert err.value.code == "file_type"


# SPEC O-01, X-02
def test_front_desk_cannot_import(site_a):
    with pytest.raises(DomainError):
        import_job_create(site=site_a.site, kind="units", upload=_csv(UNITS_CSV), actor=site_a.users["front_desk"])


# SPEC O-01
def test_import_pages_preview_confirm_and_report(client, site_a):
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post(reverse("estates:import_start"), {"kind": "units", "site": site_a.site.pk,
                                                     "upload": _csv(UNITS_CSV)})
    assert r.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(r["Location"])
    assert page.status_code == 200
    assert b'data-testid="import-errors"' in page.content
    client.post(reverse("estates:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 3
    progress = client.get(reverse("estates:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'data-status="done"' in progress.content


def test_import_wrong_file_keeps_the_form_with_a_field_error(client, site_a):
    # SPEC X-03
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post(reverse("estates:import_start"), {"kind": "residents", "site": site_a.site.pk,
                                                     "upload": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert r.status_code == 200
    assert r.context["form"].errors["upload"]
    assert r.context["form"]["kind"].value() == "residents"


# SPEC O-01
def test_large_import_runs_in_the_worker_with_progress(site_a, django_capture_on_commit_callbacks, monkeypatch):
    import estates.imports.units as imports

    monkeypatch.setattr(imports, "SYNC_LIMIT", 5)
    monkeypatch.setattr(imports, "CHUNK", 4)
    user = site_a.users["cs_supervisor"]
    body = "房号,建筑面积(㎡)\n" + "".join(f"8-1-{100 + i},80\n" for i in range(11))
    job = import_job_create(site=site_a.site, kind="units", upload=_csv(body), actor=user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = import_job_confirm(job=job, actor=user)
    assert queued.status == ImportJob.Status.QUEUED and len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 11 and job.percent == 100
    assert Unit.objects.filter(site=site_a.site, code__startswith="8-1-").count() == 11


def test_templates_have_chinese_headers():
    # SPEC O-01
    assert template_csv("units").decode("utf-8-sig").startswith("房号,建筑面积(㎡)")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(template_xlsx("residents"))).active
    assert [c.value for c in ws[1]][:4] == ["房号", "姓名", "类型", "手机"]


def test_template_download(client, site_a):
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("estates:import_template", args=["units", "xlsx"]))
    assert r.status_code == 200 and r.content.startswith(b"PK")
