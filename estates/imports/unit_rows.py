"""Reading and checking a units or residents file (SPEC O-01): the fields and the Chinese headers that fill
them, the table read from CSV or XLSX, the header mapping, and every row checked with its row number,
column and message."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from core import numbers
from core.errors import DomainError
from core.validators import normalize_id_number, normalize_phone, to_half_width
from estates.models import MAX_FLOOR, MIN_FLOOR, ImportJob, Resident, Site, Unit, Zone
from estates.validators import normalize_building, normalize_entrance, normalize_room, split_unit_code

# ---- the fields a file can fill, and the headers Chinese spreadsheets use for them (issue 13.5) -------

@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy translation, shown in the column-mapping step
    aliases: tuple[str, ...]  # header texts, compared after normalising (full-width, spaces, "(㎡)")


FIELDS = [
    Field("code", gettext_lazy("Unit as building-entrance-room (3-2-1502)"),
          ("房号", "房屋编号", "房屋编码", "完整房号", "房产编号", "单元房号", "code", "unit")),
    Field("building", gettext_lazy("Building"), ("楼栋", "楼号", "栋号", "楼栋号", "栋", "幢", "幢号", "楼幢", "楼座",
                                                 "building")),
    Field("entrance", gettext_lazy("Entrance"), ("单元", "单元号", "entrance")),
    Field("room", gettext_lazy("Room number"), ("房间号", "户号", "室号", "房间", "门牌号", "room")),
    Field("area", gettext_lazy("Floor area (m²)"), ("建筑面积", "面积", "房屋面积", "产权面积", "建面", "area")),
    Field("floor", gettext_lazy("Floor"), ("楼层", "所在楼层", "层", "floor")),
    Field("occupancy", gettext_lazy("Occupancy"), ("入住状态", "房屋状态", "状态", "occupancy")),
    Field("zone", gettext_lazy("Zone"), ("片区", "区域", "zone")),
    Field("notes", gettext_lazy("Notes"), ("备注", "说明", "notes")),
    Field("name", gettext_lazy("Resident's name"), ("姓名", "业主姓名", "住户姓名", "客户姓名", "业主名称", "业主",
                                                     "户主", "name")),
    Field("kind", gettext_lazy("Owner or tenant"), ("类型", "身份", "住户类型", "人员类型", "业主/租户", "业主或租户",
                                                     "租户/业主", "kind")),
    Field("phone", gettext_lazy("Phone"), ("电话", "联系电话", "手机", "手机号", "手机号码", "联系方式", "电话号码",
                                           "业主电话", "phone")),
    Field("phone2", gettext_lazy("Second phone"), ("备用电话", "其他电话", "电话2", "联系电话2", "座机", "phone2")),
    Field("id_number", gettext_lazy("ID number"), ("身份证", "身份证号", "身份证号码", "证件号码", "证件号",
                                                   "id_number")),
    Field("move_in_date", gettext_lazy("Move-in date"), ("入住日期", "入住时间", "收房日期", "move_in_date")),
    Field("relation", gettext_lazy("Relation to owner"), ("与业主关系", "关系", "relation")),
]
FIELD_BY_KEY = {f.key: f for f in FIELDS}
UNIT_KEYS = ("code", "building", "entrance", "room", "area", "floor", "occupancy", "zone", "notes")
RESIDENT_KEYS = ("name", "kind", "phone", "phone2", "id_number", "move_in_date", "relation")

# the template files (the importer reads far more than these headers)
TEMPLATE_HEADERS: dict[str, list[str]] = {
    ImportJob.Kind.UNITS: ["房号", "建筑面积(㎡)", "楼层", "入住状态", "片区", "备注"],
    ImportJob.Kind.RESIDENTS: ["房号", "姓名", "类型", "手机", "备用电话", "身份证号", "入住日期", "与业主关系"],
}
EXAMPLES: dict[str, list[list[str]]] = {
    ImportJob.Kind.UNITS: [["3-2-1502", "89.50", "15", "已入住", "", ""], ["3-2-1601", "120", "16", "空置", "", ""]],
    ImportJob.Kind.RESIDENTS: [["3-2-1502", "王建国", "业主", "13812345678", "", "11010519491231002X",
                                "2020-05-01", ""],
                               ["3-2-1502", "李秀英", "家庭成员", "13912345678", "", "", "", "配偶"]],
}

OCCUPANCY_WORDS = {"已入住": Unit.Occupancy.OCCUPIED, "入住": Unit.Occupancy.OCCUPIED, "自住": Unit.Occupancy.OCCUPIED,
                   "出租": Unit.Occupancy.OCCUPIED, "空置": Unit.Occupancy.VACANT, "空房": Unit.Occupancy.VACANT,
                   "已交房未入住": Unit.Occupancy.NOT_MOVED_IN, "未入住": Unit.Occupancy.NOT_MOVED_IN}
KIND_WORDS = {"业主": Resident.Kind.OWNER, "产权人": Resident.Kind.OWNER, "户主": Resident.Kind.OWNER,
              "租户": Resident.Kind.TENANT, "租客": Resident.Kind.TENANT, "承租人": Resident.Kind.TENANT,
              "家庭成员": Resident.Kind.MEMBER, "成员": Resident.Kind.MEMBER, "家属": Resident.Kind.MEMBER,
              "住户": Resident.Kind.MEMBER}
AREA_SUFFIX = re.compile(r"(m2|m²|平方米|平米|平方)$", re.IGNORECASE)

KIND_LABEL = gettext_lazy("Import")


# ---- reading ---------------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # 120.30000000000001 as Excel stores 120.3; 13912340001.0 as the phone it is
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    # full-width digits, letters and spaces (１５０２, 　) as half-width (issue 13.5)
    return to_half_width(str(value))


def read_table(fileobj, name: str) -> list[list[str]]:
    """All rows as strings. CSV in UTF-8 (with or without BOM) or GB18030 (what Chinese Excel saves);
    XLSX first sheet."""
    fileobj.seek(0)
    raw = fileobj.read()
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not raw.startswith(b"PK\x03\x04"):
            raise DomainError(_("This is not an XLSX file."), code="file_type")
        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as err:
            raise DomainError(_("The spreadsheet cannot be read."), code="file_type") from err
        ws = wb.worksheets[0]
        rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    elif lower.endswith(".csv"):
        if b"\x00" in raw[:2048]:
            raise DomainError(_("This is not a CSV text file."), code="file_type")
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes almost anything
            raise DomainError(_("The CSV file must be UTF-8 or GBK text."), code="file_type")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise DomainError(_("Upload a .csv or .xlsx file."), code="file_type")
    # trailing empty rows and columns are noise from spreadsheet programs
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _norm_header(h: str) -> str:
    s = re.sub(r"\s", "", to_half_width(h)).lower()
    return re.sub(r"\(.*?\)$", "", s).strip("*:：") or s  # 建筑面积(㎡) / （平方米） / required marks


_ALIAS = {_norm_header(a): f.key for f in FIELDS for a in f.aliases}


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Field key → column index for the headers we know. 房号 is the room when building and entrance have
    their own columns, else the whole unit number."""
    mapping: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _ALIAS.get(_norm_header(h))
        if key and key not in mapping:
            mapping[key] = i
    if "code" in mapping and "building" in mapping and "room" not in mapping:
        mapping["room"] = mapping.pop("code")
    return mapping


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row (a title row above it is common) = the one of the first 5 with most known headers."""
    best, best_map = 0, guess_mapping(rows[0]) if rows else {}
    for i, row in enumerate(rows[1:5], start=1):
        m = guess_mapping(row)
        if len(m) > len(best_map):
            best, best_map = i, m
    return best, best_map


def mapping_problems(kind: str, mapping: dict[str, int]) -> list[str]:
    """What is missing for this kind of import (empty = the mapping can be used)."""
    problems = []
    if "code" not in mapping and not {"building", "room"} <= mapping.keys():
        problems.append(_("the unit: one column like 3-2-1502, or building, entrance and room columns"))
    if kind == ImportJob.Kind.RESIDENTS and "name" not in mapping:
        problems.append(str(FIELD_BY_KEY["name"].label))
    return problems


class NeedsMapping(Exception):
    def __init__(self, layout: dict) -> None:
        super().__init__("columns")
        self.layout = layout


# ---- checking --------------------------------------------------------------------------------------

@dataclass
class Checked:
    good: list[tuple[int, dict]]  # (spreadsheet row number, clean values)
    errors: list[dict]
    total: int


def detect_layout(kind: str, rows: list[list[str]]) -> dict:
    """{"headers", "header_row", "mapping"}; NeedsMapping when the unit (or name) columns are not found."""
    if not rows:
        raise DomainError(_("The file is empty."), code="empty")
    index, mapping = _find_header(rows)
    samples = [row for row in rows[index + 1:index + 6] if any(row)][:3]
    layout = {"headers": rows[index], "header_row": index + 1, "mapping": mapping, "samples": samples}
    if mapping_problems(kind, mapping):
        raise NeedsMapping(layout)
    return layout


def check_rows(site: Site, kind: str, rows: list[list[str]], layout: dict) -> Checked:
    mapping = {k: int(i) for k, i in layout["mapping"].items()}
    headers = layout["headers"]
    header_of = {k: (headers[i] if i < len(headers) and headers[i] else str(FIELD_BY_KEY[k].label))
                 for k, i in mapping.items()}
    checker = _RowChecker(site, kind, with_residents=kind == ImportJob.Kind.RESIDENTS or "name" in mapping)
    good: list[tuple[int, dict]] = []
    errors: list[dict] = []
    total = 0
    first = layout["header_row"] + 1  # row numbers as the spreadsheet shows them
    for number, row in enumerate(rows[first - 1:], start=first):
        if not any(row):
            continue
        total += 1
        values = {k: (row[i].strip() if i < len(row) else "") for k, i in mapping.items()}
        row_errors: list[tuple[str, str]] = []
        clean = checker.check(values, number, row_errors)
        if row_errors:
            errors.extend({"row": number, "column": header_of.get(col, str(FIELD_BY_KEY[col].label)),
                           "message": str(msg)} for col, msg in row_errors)
        else:
            good.append((number, clean))
    return Checked(good=good, errors=errors, total=total)


def _message(err: ValidationError) -> str:
    return " ".join(str(m) for m in err.messages)


class _RowChecker:
    """One row → clean unit values (+ the resident's), or (column, reason) errors."""

    def __init__(self, site: Site, kind: str, *, with_residents: bool) -> None:
        self.kind = kind
        self.with_residents = with_residents
        self.zones = {z.name: z.pk for z in Zone.objects.filter(site=site)}
        self.units = dict(Unit.objects.filter(site=site).values_list("code", "pk"))
        self.seen_units: dict[str, int] = {}
        self.seen_people: dict[tuple[str | None, str, str | None], int] = {}

    def _unit_code(self, v: dict, err: list) -> str | None:
        whole = v.get("code") if not v.get("room") else None
        if v.get("room") and len(re.split(r"[-_/—–－]", v["room"])) == 3:
            whole = v["room"]  # the room column holds the whole 3-2-1502
        if whole:
            try:
                return "-".join(split_unit_code(whole))
            except ValidationError as e:
                err.append(("code" if "room" not in v else "room", _message(e)))
                return None
        parts = []
        for key, normalize in (("building", normalize_building), ("entrance", normalize_entrance),
                               ("room", normalize_room)):
            raw = v.get(key, "")
            if key == "entrance" and not raw and "entrance" not in v:
                raw = "1"  # a file of buildings without entrances: one entrance
            if not raw:
                err.append((key, _("This is required.")))
                continue
            try:
                parts.append(normalize(raw))
            except ValidationError as e:
                err.append((key, _message(e)))
        return "-".join(parts) if len(parts) == 3 else None

    def check(self, v: dict, number: int, err: list) -> dict:
        code = self._unit_code(v, err)
        code_col = "code" if "code" in v and "room" not in v else "room"
        clean: dict = {"code": code}
        if self.kind == ImportJob.Kind.RESIDENTS:
            if code and code not in self.units:
                err.append((code_col, _("No unit %(code)s at this site; import the units first.") % {"code": code}))
        else:
            self._check_unit(v, number, code, code_col, clean, err)
        if self.with_residents:
            self._check_resident(v, number, code, clean, err)
        if err or not code:
            return {}
        return clean

    def _check_unit(self, v: dict, number: int, code: str | None, code_col: str, clean: dict, err: list) -> None:
        if code and code in self.seen_units and not self.with_residents:
            err.append((code_col, _("Same unit as row %(row)s.") % {"row": self.seen_units[code]}))
        elif code:
            self.seen_units.setdefault(code, number)
        area = None
        if v.get("area"):
            try:
                raw = Decimal(AREA_SUFFIX.sub("", v["area"].replace("㎡", "").replace(",", "")))
                if raw.is_finite():
                    raw = raw.quantize(Decimal("0.01"))  # 88.555 m² as 88.56
                area = numbers.bounded_decimal(raw, numbers.AREA_ENTERED, "")
            except (DomainError, InvalidOperation):
                err.append(("area", _("Enter the floor area as a number of square metres, e.g. 89.5.")))
        floor = None
        if v.get("floor"):
            try:
                floor = int(re.sub(r"(层|楼|F)$", "", v["floor"], flags=re.IGNORECASE))
                if not MIN_FLOOR <= floor <= MAX_FLOOR:
                    raise ValueError
            except ValueError:
                err.append(("floor", _("The floor must be a whole number.")))
        elif code and code.split("-")[2][:-2].isdigit():
            floor = int(code.split("-")[2][:-2])  # 1502 → 15
        occupancy: str | None = Unit.Occupancy.OCCUPIED
        if v.get("occupancy"):
            word = v["occupancy"]
            occupancy = OCCUPANCY_WORDS.get(word) or (word if word in Unit.Occupancy.values else None)
            if occupancy is None:
                err.append(("occupancy", _("Occupancy must be 已入住, 空置 or 已交房未入住.")))
        zone_id = None
        if v.get("zone"):
            zone_id = self.zones.get(v["zone"])
            if zone_id is None:
                err.append(("zone", _("No zone of this name at the site.")))
        if code:
            b, e, r = code.split("-")
            clean.update(building=b, entrance=e, room=r, floor=floor or 0, area=area, occupancy=occupancy,
                         zone_id=zone_id, notes=v.get("notes", ""))

    def _check_resident(self, v: dict, number: int, code: str | None, clean: dict, err: list) -> None:
        name = re.sub(r"\s+", " ", v.get("name", "")).strip()
        others = [k for k in RESIDENT_KEYS if k != "name" and v.get(k)]
        if not name:
            if self.kind == ImportJob.Kind.RESIDENTS or others:
                err.append(("name", _("The name is required.")))
            clean["resident"] = None
            return
        if len(name) > 60:
            err.append(("name", _("The name is too long (at most 60 characters).")))
        kind: str | None = Resident.Kind.OWNER
        if v.get("kind"):
            kind = KIND_WORDS.get(v["kind"]) or (v["kind"] if v["kind"] in Resident.Kind.values else None)
            if kind is None:
                err.append(("kind", _("Type must be 业主, 租户 or 家庭成员.")))
        phones = {}
        for key in ("phone", "phone2"):
            try:
                phones[key] = normalize_phone(v.get(key, ""))
            except ValidationError as e:
                err.append((key, _message(e)))
        try:
            id_number = normalize_id_number(v.get("id_number", ""))
        except ValidationError as e:
            err.append(("id_number", _message(e)))
            id_number = ""
        move_in = None
        if v.get("move_in_date"):
            raw = v["move_in_date"].replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-")
            raw = raw.replace("日", "")[:10]
            try:
                y, mo, d = (int(x) for x in raw.split("-"))
                move_in = date(y, mo, d)
            except ValueError:
                err.append(("move_in_date", _("Enter the date as YYYY-MM-DD.")))
        person = (code, name, phones.get("phone"))
        if code and person in self.seen_people:
            err.append(("name", _("Same person as row %(row)s.") % {"row": self.seen_people[person]}))
        elif code:
            self.seen_people[person] = number
        clean["resident"] = {"name": name, "kind": kind, "phone": phones.get("phone", ""),
                             "phone2": phones.get("phone2", ""), "id_number": id_number, "move_in_date": move_in,
                             "relation": v.get("relation", "")[:30]}
