"""Bulk import of units and residents from CSV/XLSX (SPEC O-01).

upload → every row checked (row number, column, message) → preview → confirm → good rows upserted
(units by site + code, residents by unit + name + phone), so importing the same file twice creates
nothing new. Big files run in a Celery task that stores its progress on the ImportJob row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.uploads import TABLE_KINDS, check_file
from estates import permissions as perms
from estates.models import Building, ImportJob, Resident, Site, Unit, Zone

SYNC_LIMIT = 300  # rows applied inside the request; more go to the worker with progress
CHUNK = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    required: bool = False


UNIT_COLUMNS = [
    Column("code", "房号", True),
    Column("area", "建筑面积(㎡)"),
    Column("floor", "楼层"),
    Column("occupancy", "入住状态"),
    Column("zone", "片区"),
    Column("notes", "备注"),
]
RESIDENT_COLUMNS = [
    Column("unit", "房号", True),
    Column("name", "姓名", True),
    Column("kind", "类型"),
    Column("phone", "手机"),
    Column("phone2", "备用电话"),
    Column("id_number", "身份证号"),
    Column("move_in_date", "入住日期"),
    Column("relation", "与业主关系"),
]
COLUMNS = {ImportJob.Kind.UNITS: UNIT_COLUMNS, ImportJob.Kind.RESIDENTS: RESIDENT_COLUMNS}
EXAMPLES = {
    ImportJob.Kind.UNITS: [["3-2-1502", "89.50", "15", "已入住", "", ""], ["3-2-1601", "120", "16", "空置", "", ""]],
    ImportJob.Kind.RESIDENTS: [["3-2-1502", "王建国", "业主", "13812345678", "", "440301198001011234",
                                "2020-05-01", ""],
                               ["3-2-1502", "李秀英", "家庭成员", "13912345678", "", "", "", "配偶"]],
}

OCCUPANCY_WORDS = {"已入住": Unit.Occupancy.OCCUPIED, "入住": Unit.Occupancy.OCCUPIED, "空置": Unit.Occupancy.VACANT,
                   "已交房未入住": Unit.Occupancy.NOT_MOVED_IN, "未入住": Unit.Occupancy.NOT_MOVED_IN}
KIND_WORDS = {"业主": Resident.Kind.OWNER, "租户": Resident.Kind.TENANT, "家庭成员": Resident.Kind.MEMBER,
              "成员": Resident.Kind.MEMBER, "住户": Resident.Kind.MEMBER}
CODE_RE = re.compile(r"^([0-9A-Za-z]+)-([0-9A-Za-z]+)-([0-9A-Za-z]+)$")
MOBILE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
ID_RE = re.compile(r"^(\d{17}[\dXx]|\d{15})$")

KIND_LABEL = gettext_lazy("Import")


# ---- reading ---------------------------------------------------------------------------------------

def _cell(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(fileobj, name: str) -> list[list[str]]:  # noqa: ANN001
    """All rows (header first) as strings. CSV in UTF-8 (with or without BOM) or GB18030; XLSX first sheet."""
    fileobj.seek(0)
    raw = fileobj.read()
    lower = name.lower()
    if lower.endswith(".xlsx"):
        if not raw.startswith(b"PK\x03\x04"):
            raise DomainError(_("This is not an XLSX file."), code="file_type")
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as err:  # noqa: BLE001 - any broken workbook is the user's file problem
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
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise DomainError(_("Upload a .csv or .xlsx file."), code="file_type")
    # trailing empty rows and columns are noise from spreadsheet programs
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _header_map(header: list[str], columns: list[Column]) -> dict[str, int]:
    index = {}
    names = [h.strip() for h in header]
    for col in columns:
        for i, h in enumerate(names):
            if h in (col.header, col.key, col.header.split("(")[0]):
                index[col.key] = i
                break
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise DomainError(_("Missing columns: %(cols)s. Use the template.") % {"cols": "、".join(missing)},
                          code="columns")
    return index


# ---- checking --------------------------------------------------------------------------------------

@dataclass
class Checked:
    good: list[tuple[int, dict]]  # (row number, clean values)
    errors: list[dict]
    total: int


def check_rows(site: Site, kind: str, rows: list[list[str]]) -> Checked:
    if not rows:
        raise DomainError(_("The file is empty."), code="empty")
    columns = COLUMNS[kind]
    index = _header_map(rows[0], columns)
    header_of = {c.key: c.header for c in columns}
    checker = _UnitChecker(site) if kind == ImportJob.Kind.UNITS else _ResidentChecker(site)
    good, errors, total = [], [], 0
    for number, row in enumerate(rows[1:], start=2):  # row 1 is the header, as the spreadsheet shows it
        if not any(row):
            continue
        total += 1
        values = {k: (row[i] if i < len(row) else "") for k, i in index.items()}
        row_errors: list[tuple[str, str]] = []
        clean = checker.check(values, number, row_errors)
        if row_errors:
            errors.extend({"row": number, "column": header_of.get(col, col), "message": str(msg)}
                          for col, msg in row_errors)
        else:
            good.append((number, clean))
    return Checked(good=good, errors=errors, total=total)


class _UnitChecker:
    def __init__(self, site: Site) -> None:
        self.zones = {z.name: z.pk for z in Zone.objects.filter(site=site)}
        self.seen: dict[str, int] = {}

    def check(self, v: dict, number: int, err: list) -> dict:
        code = v.get("code", "").replace(" ", "")
        m = CODE_RE.match(code)
        if not code:
            err.append(("code", _("The unit is required.")))
        elif not m:
            err.append(("code", _("Use building-entrance-room, e.g. 3-2-1502.")))
        elif code in self.seen:
            err.append(("code", _("Same unit as row %(row)s.") % {"row": self.seen[code]}))
        else:
            self.seen[code] = number
        area = Decimal("0")
        if v.get("area"):
            try:
                area = Decimal(v["area"]).quantize(Decimal("0.01"))
                if area <= 0 or area >= Decimal("1000000"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                err.append(("area", _("Enter the floor area as a number of square metres, e.g. 89.5.")))
        floor = None
        if v.get("floor"):
            try:
                floor = int(v["floor"])
            except ValueError:
                err.append(("floor", _("The floor must be a whole number.")))
        elif m and m.group(3).isdigit() and len(m.group(3)) > 2:
            floor = int(m.group(3)[:-2])
        occupancy = Unit.Occupancy.OCCUPIED
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
        if err or not m:
            return {}
        return {"code": code, "building": m.group(1), "entrance": m.group(2), "room": m.group(3),
                "floor": floor or 0, "area": area if v.get("area") else None, "occupancy": occupancy,
                "zone_id": zone_id, "notes": v.get("notes", "")}


class _ResidentChecker:
    def __init__(self, site: Site) -> None:
        self.units = dict(Unit.objects.filter(site=site).values_list("code", "pk"))
        self.seen: dict[tuple, int] = {}

    def check(self, v: dict, number: int, err: list) -> dict:
        code = v.get("unit", "").replace(" ", "")
        unit_id = self.units.get(code)
        if not code:
            err.append(("unit", _("The unit is required.")))
        elif unit_id is None:
            err.append(("unit", _("No unit %(code)s at this site; import the units first.") % {"code": code}))
        name = v.get("name", "")
        if not name:
            err.append(("name", _("The name is required.")))
        elif len(name) > 60:
            err.append(("name", _("The name is too long (at most 60 characters).")))
        kind = Resident.Kind.OWNER
        if v.get("kind"):
            kind = KIND_WORDS.get(v["kind"]) or (v["kind"] if v["kind"] in Resident.Kind.values else None)
            if kind is None:
                err.append(("kind", _("Type must be 业主, 租户 or 家庭成员.")))
        phones = {}
        for key in ("phone", "phone2"):
            p = v.get(key, "").replace(" ", "")
            if p and not MOBILE_RE.match(p):
                err.append((key, _("Enter an 11-digit mobile number (e.g. 13812345678) or a landline like "
                                   "0755-12345678.")))
            phones[key] = p
        id_number = v.get("id_number", "").replace(" ", "").upper()
        if id_number and not ID_RE.match(id_number):
            err.append(("id_number", _("An ID number has 18 characters (or 15 digits).")))
        move_in = None
        if v.get("move_in_date"):
            raw = v["move_in_date"].replace("/", "-").replace(".", "-")[:10]
            try:
                move_in = date.fromisoformat(raw)
            except ValueError:
                try:
                    y, mo, d = (int(x) for x in raw.split("-"))
                    move_in = date(y, mo, d)
                except ValueError:
                    err.append(("move_in_date", _("Enter the date as YYYY-MM-DD.")))
        key = (unit_id, name, phones.get("phone"))
        if unit_id and name and key in self.seen:
            err.append(("name", _("Same person as row %(row)s.") % {"row": self.seen[key]}))
        elif unit_id and name:
            self.seen[key] = number
        if err:
            return {}
        return {"unit_id": unit_id, "name": name, "kind": kind, "phone": phones["phone"],
                "phone2": phones["phone2"], "id_number": id_number, "move_in_date": move_in,
                "relation": v.get("relation", "")[:30]}


# ---- services --------------------------------------------------------------------------------------

@transaction.atomic
def import_job_create(*, site: Site, kind: str, upload, actor) -> ImportJob:  # noqa: ANN001
    """Check the whole file and keep it for the preview; nothing is imported yet."""
    if not perms.can_manage_structure(actor, site.pk):
        raise DomainError(_("You are not allowed to do this."), code="not_allowed")
    stored = check_file(upload, TABLE_KINDS, group="table")  # issue 13: by content, before it is parsed
    rows = read_table(stored, upload.name)
    checked = check_rows(site, kind, rows)
    job = ImportJob(site=site, kind=kind, original_name=upload.name[:200], created_by=actor,
                    total_rows=checked.total, good_rows=len(checked.good), errors=checked.errors)
    stored.seek(0)
    job.file.save(stored.name, stored, save=False)  # a generated name
    job.save()
    return job


def import_job_confirm(*, job: ImportJob, actor) -> ImportJob:  # noqa: ANN001
    """Start the import: small files right here, big ones in the worker (progress on the row)."""
    if not perms.can_manage_structure(actor, job.site_id):
        raise DomainError(_("You are not allowed to do this."), code="not_allowed")
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.PREVIEW:
            raise DomainError(_("This import was already started."), code="not_preview")
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["status", "updated_at"])
        if job.good_rows > SYNC_LIMIT:
            from estates.tasks import import_job_run_task

            job_id, actor_id = job.pk, actor.pk
            transaction.on_commit(lambda: import_job_run_task.delay(job_id, actor_id))
            return job
    return import_job_run(job_id=job.pk, actor_id=actor.pk)


def import_job_run(*, job_id: int, actor_id: int | None = None) -> ImportJob:
    """Apply the good rows in chunks, each chunk its own transaction; progress on the job row.

    Safe to run twice: rows are upserted, so a retried job updates instead of duplicating."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            return job
        job.status = ImportJob.Status.RUNNING
        job.processed_rows = job.created_count = job.updated_count = 0
        job.save(update_fields=["status", "processed_rows", "created_count", "updated_count", "updated_at"])
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        with job.file.open("rb") as fh:
            rows = read_table(fh, job.original_name)
        checked = check_rows(job.site, job.kind, rows)
        apply = _apply_units if job.kind == ImportJob.Kind.UNITS else _apply_residents
        for start in range(0, len(checked.good), CHUNK):
            chunk = [clean for _n, clean in checked.good[start:start + CHUNK]]
            with transaction.atomic():
                created, updated = apply(job.site, chunk, actor)
                ImportJob.objects.filter(pk=job.pk).update(
                    processed_rows=start + len(chunk),
                    created_count=job.created_count + created, updated_count=job.updated_count + updated)
                job.created_count += created
                job.updated_count += updated
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, errors=checked.errors,
                                                   good_rows=len(checked.good), total_rows=checked.total)
    except Exception as err:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, failure=str(err)[:2000])
        raise
    job.refresh_from_db()
    return job


def _apply_units(site: Site, rows: list[dict], actor) -> tuple[int, int]:  # noqa: ANN001
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    buildings = {b.number: b for b in Building.objects.filter(site=site)}
    for r in rows:
        if r["building"] not in buildings:
            b = Building(site=site, number=r["building"], zone_id=r["zone_id"])
            b._history_user = actor
            b.save()
            buildings[r["building"]] = b
    existing = {u.code: u for u in Unit.objects.filter(site=site, code__in=[r["code"] for r in rows])}
    new, changed = [], []
    for r in rows:
        u = existing.get(r["code"])
        if u is None:
            new.append(Unit(site=site, building=buildings[r["building"]], entrance=r["entrance"], room=r["room"],
                            code=r["code"], floor=r["floor"], area=r["area"] or Decimal("0"),
                            occupancy=r["occupancy"], notes=r["notes"]))
            continue
        values = {"floor": r["floor"], "occupancy": r["occupancy"]}
        if r["area"] is not None:
            values["area"] = r["area"]
        if r["notes"]:
            values["notes"] = r["notes"]
        if any(getattr(u, k) != val for k, val in values.items()):
            for k, val in values.items():
                setattr(u, k, val)
            changed.append(u)
    if new:
        bulk_create_with_history(new, Unit, default_user=actor, default_change_reason=str(KIND_LABEL))
    if changed:
        bulk_update_with_history(changed, Unit, ["floor", "occupancy", "area", "notes", "updated_at"],
                                 default_user=actor, default_change_reason=str(KIND_LABEL))
    return len(new), len(changed)


def _apply_residents(site: Site, rows: list[dict], actor) -> tuple[int, int]:  # noqa: ANN001
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    existing = {}
    for res in Resident.objects.filter(site=site, unit_id__in={r["unit_id"] for r in rows}):
        existing.setdefault((res.unit_id, res.name, res.phone), res)
    new, changed = [], []
    fields = ["kind", "phone2", "id_number", "move_in_date", "relation"]
    for r in rows:
        res = existing.get((r["unit_id"], r["name"], r["phone"]))
        if res is None:
            res = Resident(site=site, unit_id=r["unit_id"], name=r["name"], phone=r["phone"],
                           **{k: r[k] for k in fields})
            new.append(res)
            existing[(r["unit_id"], r["name"], r["phone"])] = res
            continue
        values = {k: r[k] for k in fields if r[k] not in ("", None)}
        values["kind"] = r["kind"]
        if any(getattr(res, k) != val for k, val in values.items()):
            for k, val in values.items():
                setattr(res, k, val)
            changed.append(res)
    if new:
        bulk_create_with_history(new, Resident, default_user=actor, default_change_reason=str(KIND_LABEL))
    if changed:
        bulk_update_with_history(changed, Resident, [*fields, "updated_at"], default_user=actor,
                                 default_change_reason=str(KIND_LABEL))
    return len(new), len(changed)


# ---- templates -------------------------------------------------------------------------------------

def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([c.header for c in COLUMNS[kind]])
    w.writerows(EXAMPLES[kind])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = str(ImportJob.Kind(kind).label)
    ws.append([c.header for c in COLUMNS[kind]])
    for row in EXAMPLES[kind]:
        ws.append(row)
    for i, _c in enumerate(COLUMNS[kind]):
        ws.column_dimensions[chr(ord("A") + i)].width = 16
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
