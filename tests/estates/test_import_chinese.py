"""Issue 13.5: import what Chinese property companies have (Excel CSV in GB18030 / UTF-8 with BOM, XLSX),
header variants, separate or combined unit columns, a column-mapping step, row-numbered reasons."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from estates.imports import import_job_confirm, import_job_create
from estates.models import ImportJob, Resident, Unit

pytestmark = pytest.mark.django_db

HEADER = ["楼栋", "单元", "房号", "建筑面积(㎡)", "业主姓名", "联系电话", "身份证号", "业主/租户"]
ROWS = [  # spreadsheet rows 2..11
    ["6", "1", "0101", "88.50", "王建国", "13812345678", "11010519491231002X", "业主"],
    ["6", "1", "0102", "90", "李秀英", "138 1234 5679", "440301198503154417", "业主"],
    ["6", "1", "15O2", "90", "张伟", "13812345670", "", "业主"],  # row 4: bad room (letter O)
    ["6", "2", "0201", "１２０.５", "刘洋", "+86 139-0000-0001", "440301198503154425", "租户"],  # full-width
    ["６", "２", "０２０２", "95", "陈静", "0755-88881234", "", "业主"],  # full-width digits
    ["6", "2", "0301", "95", "杨帆", "1391234abcd", "", "业主"],  # row 7: bad phone
    ["6", "2", "0302", "96", "赵磊", "13700000002", "440301198503154433", "业主"],
    ["6", "3", "0101", "70", "黄丽", "(0755)8888 1235", "440305198502021239", "业主"],
    ["6", "3", "0102", "70", "周敏", "13700000003", "440301198503154418", "业主"],  # row 10: bad ID check digit
    ["6", "3", "0103", "70", "吴刚", "13700000004", "", "租户"],
]
GOOD_CODES = {"6-1-0101", "6-1-0102", "6-2-0201", "6-2-0202", "6-2-0302", "6-3-0101", "6-3-0103"}


def _csv_bytes(encoding: str, header=HEADER, rows=ROWS, title=None) -> bytes:
    lines = ([title] if title else []) + [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _upload(data: bytes, name="业主信息.csv"):
    return SimpleUploadedFile(name, data, content_type="application/vnd.ms-excel")


def _xlsx(header=HEADER, rows=ROWS) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(site_a, data: bytes, name="业主信息.csv", kind=ImportJob.Kind.UNITS):
    user = site_a.users["cs_supervisor"]
    job = import_job_create(site=site_a.site, kind=kind, upload=_upload(data, name), actor=user)
    assert job.status == ImportJob.Status.PREVIEW, job.layout
    return job, import_job_confirm(job=job, actor=user)


def _res(name):
    return Resident.objects.get(name=name, unit__code__startswith="6-")


def _codes(site_a):
    return set(Unit.objects.filter(site=site_a.site, code__startswith="6-").values_list("code", flat=True))


# SPEC O-01 / issue 13.5: the Chinese Excel file (GB18030, and UTF-8 with BOM) imports its 7 good rows of 10
@pytest.mark.parametrize("encoding,name", [("gb18030", "业主信息.csv"), ("utf-8-sig", "业主信息.csv"),
                                           ("xlsx", "业主信息.xlsx")])
def test_chinese_excel_file_imports_good_rows_and_reports_bad_ones(site_a, encoding, name):
    data = _xlsx() if encoding == "xlsx" else _csv_bytes(encoding)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really the encoding Chinese Excel writes
    preview, job = _import(site_a, data, name)
    assert preview.total_rows == 10 and preview.good_rows == 7
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 7 and job.residents_created == 7
    # every bad row by its spreadsheet row number, with the column and the reason
    by_row = {e["row"]: (e["column"], e["message"]) for e in job.errors}
    assert set(by_row) == {4, 7, 10}
    assert by_row[4][0] == "房号" and "字母 O" in by_row[4][1]
    assert by_row[7][0] == "联系电话" and "手机号" in by_row[7][1]
    assert by_row[10][0] == "身份证号" and "校验码" in by_row[10][1]
    assert _codes(site_a) == GOOD_CODES
    unit = Unit.objects.get(site=site_a.site, code="6-2-0201")
    assert str(unit.area) == "120.50" and unit.floor == 2 and unit.building.number == "6"
    owner = Resident.objects.get(unit=unit)
    assert (owner.name, owner.phone, owner.kind) == ("刘洋", "13900000001", "tenant")
    assert _res("黄丽").phone == "0755-88881235"
    assert _res("王建国").id_number == "11010519491231002X"
    assert _res("陈静").unit.code == "6-2-0202"  # full-width ６-２-０２０２


def test_reimport_adds_nothing(site_a):
    # issue 13.5: the same file again creates no unit and no resident
    _import(site_a, _csv_bytes("gb18030"))
    units, residents = Unit.objects.count(), Resident.objects.count()
    _preview, again = _import(site_a, _csv_bytes("utf-8-sig"))
    assert again.created_count == 0 and again.residents_created == 0
    assert again.updated_count == 0 and again.residents_updated == 0
    assert (Unit.objects.count(), Resident.objects.count()) == (units, residents)


@pytest.mark.parametrize("header", [
    ["楼号", "单元号", "房间号", "面积", "姓名", "电话", "身份证", "类型"],
    ["栋号", "单元", "户号", "建筑面积（平方米）", "住户姓名", "手机号", "证件号码", "身份"],
])
def test_header_variants(site_a, header):
    preview, job = _import(site_a, _csv_bytes("gb18030", header=header))
    assert job.created_count == 7 and job.residents_created == 7
    assert {e["row"] for e in job.errors} == {4, 7, 10}


def test_combined_unit_column_and_title_row(site_a):
    # one column "3-2-1502" (房号) instead of three; a title row above the headers keeps the row numbers
    header = ["房号", "建筑面积(㎡)", "业主姓名", "手机"]
    rows = [["6-1-0101", "88.5", "王建国", "13812345678"], ["6-1-15O2", "90", "张伟", "13812345670"],
            ["6-1-0103", "-1", "李四", "13812345671"], ["6-1-0104", "0", "王五", "13812345672"]]
    preview, job = _import(site_a, _csv_bytes("gb18030", header=header, rows=rows, title="阳光花园业主信息表"))
    assert preview.layout["header_row"] == 2
    assert job.created_count == 1 and job.residents_created == 1
    by_row = {e["row"]: e["column"] for e in job.errors}
    assert by_row == {4: "房号", 5: "建筑面积(㎡)", 6: "建筑面积(㎡)"}  # bad room, area -1, area 0


def test_unknown_headers_are_matched_by_the_user_without_a_second_upload(client, site_a):
    # issue 13.5: the column-mapping step
    client.force_login(site_a.users["cs_supervisor"])
    header = ["Bldg", "Ent", "Flat", "m2", "Owner", "Tel"]
    rows = [["6", "1", "0101", "88.5", "王建国", "13812345678"], ["6", "1", "0102", "90", "李秀英", "1381234567x"]]
    r = client.post(reverse("estates:import_start"), {"kind": "units", "site": site_a.site.pk,
                                                     "upload": _upload(_csv_bytes("gb18030", header, rows))})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.MAPPING
    assert r.status_code == 302 and r["Location"] == reverse("estates:import_map", args=[job.pk])
    page = client.get(r["Location"])
    assert page.status_code == 200 and "Flat" in page.content.decode() and "王建国" in page.content.decode()
    # a field chosen twice is refused; nothing is lost
    bad = {"col_0": "building", "col_1": "building", "col_2": "room"}
    r = client.post(reverse("estates:import_map", args=[job.pk]), bad)
    assert r.status_code == 200 and r.context["form"].errors
    mapping = {"col_0": "building", "col_1": "entrance", "col_2": "room", "col_3": "area", "col_4": "name",
               "col_5": "phone"}
    r = client.post(reverse("estates:import_map", args=[job.pk]), mapping)
    assert r.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.good_rows == 1
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "Tel")]
    client.post(reverse("estates:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "done" and job.created_count == 1 and job.residents_created == 1
    assert _res("王建国").unit.code == "6-1-0101"


def test_mapping_without_the_unit_is_refused(client, site_a):
    client.force_login(site_a.users["cs_supervisor"])
    client.post(reverse("estates:import_start"), {"kind": "units", "site": site_a.site.pk,
                                                 "upload": _upload(_csv_bytes("gb18030", ["A", "B"], [["1", "2"]]))})
    job = ImportJob.objects.get()
    r = client.post(reverse("estates:import_map", args=[job.pk]), {"col_0": "area"})
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MAPPING


def test_residents_import_with_separate_unit_columns(site_a):
    # residents of existing units (3-2-1502 in the fixtures) from a file with 楼栋/单元/房号
    header = ["楼栋", "单元", "房号", "姓名", "手机", "身份证号码"]
    rows = [["3", "2", site_a.units[0].room, "新住户", "13700001111", ""]]
    _preview, job = _import(site_a, _csv_bytes("gb18030", header, rows), kind=ImportJob.Kind.RESIDENTS)
    assert job.created_count == 1
    assert Resident.objects.get(name="新住户").unit == site_a.units[0]


def test_xlsx_numbers_as_excel_stores_them(site_a):
    # numeric cells: areas with float noise, phones as numbers, a 3-decimal area rounded
    header = ["楼栋", "单元", "房号", "建筑面积", "业主姓名", "手机"]
    rows = [["6", 1, "0101", 120.30000000000001, "王建国", 13812345678],
            ["6", 1, "6-1-0102", 88.555, "李秀英", 13812345679]]  # the room column holding the whole number
    _preview, job = _import(site_a, _xlsx(header, rows), "units.xlsx")
    assert not job.errors and job.created_count == 2
    assert str(Unit.objects.get(site=site_a.site, code="6-1-0101").area) == "120.30"
    assert str(Unit.objects.get(site=site_a.site, code="6-1-0102").area) == "88.56"
    assert _res("王建国").phone == "13812345678"
