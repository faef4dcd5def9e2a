"""Bulk import of units and residents from CSV/XLSX (SPEC O-01).

upload → every row checked (row number, column, message) → preview → confirm → good rows upserted
(units by site + code, residents by unit + name + phone), so importing the same file twice creates
nothing new. Big files run in a Celery task that stores its progress on the ImportJob row.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.errors import DomainError
from core.service_kit import history_note
from core.uploads import TABLE_KINDS, check_file
from estates import permissions as perms
from estates.imports.unit_rows import (
    EXAMPLES,
    FIELD_BY_KEY,
    KIND_LABEL,
    TEMPLATE_HEADERS,
    Checked,
    NeedsMapping,
    check_rows,
    detect_layout,
    mapping_problems,
    read_table,
)
from estates.models import Building, ImportJob, Resident, Site, Unit
from estates.tasks import import_job_run_task

SYNC_LIMIT = 300  # rows applied inside the request; more go to the worker with progress
CHUNK = 200


# ---- services --------------------------------------------------------------------------------------

@transaction.atomic
def import_job_create(*, site: Site, kind: str, upload, actor: User) -> ImportJob:
    """Check the whole file and keep it for the preview; nothing is imported yet. Unknown headers:
    the job waits for the user's column mapping (status MAPPING), the file is kept (issue 13.5)."""
    if not perms.can_manage_structure(actor, site.pk):
        raise DomainError(_("You are not allowed to do this."), code="not_allowed")
    stored = check_file(upload, TABLE_KINDS, group="table")  # issue 13: by content, before it is parsed
    rows = read_table(stored, upload.name)
    job = ImportJob(site=site, kind=kind, original_name=upload.name[:200], created_by=actor)
    try:
        job.layout = detect_layout(kind, rows)
    except NeedsMapping as need:
        job.layout = need.layout
        job.status = ImportJob.Status.MAPPING
        job.total_rows = sum(1 for row in rows[need.layout["header_row"]:] if any(row))
    else:
        _store_check(job, check_rows(site, kind, rows, job.layout))
    stored.seek(0)
    assert stored.name is not None  # for the type checker: a CheckedFile always has a generated name
    job.file.save(stored.name, stored, save=False)
    job.save()
    return job


def _store_check(job: ImportJob, checked: Checked) -> None:
    job.total_rows, job.good_rows, job.errors = checked.total, len(checked.good), checked.errors


def _read_job_rows(job: ImportJob) -> list[list[str]]:
    with job.file.open("rb") as fh:
        return read_table(fh, job.original_name)


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping: dict[str, int], actor: User) -> ImportJob:
    """The user's column mapping (field key → column index) for a kept file; checks the rows again."""
    if not perms.can_manage_structure(actor, job.site_id):
        raise DomainError(_("You are not allowed to do this."), code="not_allowed")
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (ImportJob.Status.MAPPING, ImportJob.Status.PREVIEW):
        raise DomainError(_("This import was already started."), code="not_preview")
    width = len(job.layout.get("headers") or [])
    mapping = {k: int(i) for k, i in mapping.items() if k in FIELD_BY_KEY}
    if any(not 0 <= i < width for i in mapping.values()) or len(set(mapping.values())) != len(mapping):
        raise DomainError(_("Each column can be matched to one field only."), code="columns")
    problems = mapping_problems(job.kind, mapping)
    if problems:
        raise DomainError(_("Match a column to: %(fields)s.") % {"fields": "；".join(problems)}, code="columns")
    job.layout = {**job.layout, "mapping": mapping}
    _store_check(job, check_rows(job.site, job.kind, _read_job_rows(job), job.layout))
    job.status = ImportJob.Status.PREVIEW
    job.save(update_fields=["layout", "status", "total_rows", "good_rows", "errors", "updated_at"])
    return job


def import_job_confirm(*, job: ImportJob, actor: User) -> ImportJob:
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
            job_id, actor_id = job.pk, actor.pk
            transaction.on_commit(lambda: import_job_run_task.delay(job_id, actor_id))
            return job
    return import_job_run(job_id=job.pk, actor_id=actor.pk)


def import_job_run(*, job_id: int, actor_id: int | None = None) -> ImportJob:
    """Apply the good rows in chunks, each chunk its own transaction; progress on the job row.

    Safe to run twice: rows are upserted, so a retried job updates instead of duplicating."""
    counters = ["created_count", "updated_count", "residents_created", "residents_updated"]
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
            return job
        job.status = ImportJob.Status.RUNNING
        job.processed_rows = 0
        for c in counters:
            setattr(job, c, 0)
        job.save(update_fields=["status", "processed_rows", *counters, "updated_at"])
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        rows = _read_job_rows(job)
        layout = job.layout or detect_layout(job.kind, rows)
        checked = check_rows(job.site, job.kind, rows, layout)
        for start in range(0, len(checked.good), CHUNK):
            chunk = [clean for _n, clean in checked.good[start:start + CHUNK]]
            with transaction.atomic():
                if job.kind == ImportJob.Kind.UNITS:
                    created, updated = _apply_units(job.site, chunk, actor)
                    job.created_count += created
                    job.updated_count += updated
                    r_created, r_updated = _apply_residents(job.site, chunk, actor)
                    job.residents_created += r_created
                    job.residents_updated += r_updated
                else:
                    created, updated = _apply_residents(job.site, chunk, actor)
                    job.created_count += created
                    job.updated_count += updated
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=start + len(chunk),
                                                           **{c: getattr(job, c) for c in counters})
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, errors=checked.errors,
                                                   good_rows=len(checked.good), total_rows=checked.total)
    except Exception as err:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, failure=str(err)[:2000])
        raise
    job.refresh_from_db()
    return job


def _apply_units(site: Site, rows: list[dict], actor: User | None) -> tuple[int, int]:
    buildings = {b.number: b for b in Building.objects.filter(site=site)}
    for r in rows:
        if r["building"] not in buildings:
            b = Building(site=site, number=r["building"], zone_id=r["zone_id"])
            history_note(b, user=actor)
            b.save()
            buildings[r["building"]] = b
    existing = {u.code: u for u in Unit.objects.filter(site=site, code__in=[r["code"] for r in rows])}
    new: list[Unit] = []
    changed: list[Unit] = []
    for r in rows:
        u = existing.get(r["code"])
        if u is None:
            u = Unit(site=site, building=buildings[r["building"]], entrance=r["entrance"], room=r["room"],
                     code=r["code"], floor=r["floor"], area=r["area"] or Decimal("0"),
                     occupancy=r["occupancy"], notes=r["notes"])
            new.append(u)
            existing[r["code"]] = u  # a unit on two rows (owner and tenant) is created once
            continue
        values = {"floor": r["floor"], "occupancy": r["occupancy"]}
        if r["area"] is not None:
            values["area"] = r["area"]
        if r["notes"]:
            values["notes"] = r["notes"]
        if any(getattr(u, k) != val for k, val in values.items()):
            for k, val in values.items():
                setattr(u, k, val)
            if u not in changed and u.pk:
                changed.append(u)
    if new:
        bulk_create_with_history(new, Unit, default_user=actor, default_change_reason=str(KIND_LABEL))
    if changed:
        bulk_update_with_history(changed, Unit, ["floor", "occupancy", "area", "notes", "updated_at"],
                                 default_user=actor, default_change_reason=str(KIND_LABEL))
    return len(new), len(changed)


def _apply_residents(site: Site, rows: list[dict], actor: User | None) -> tuple[int, int]:
    """Residents by (unit, name, phone): re-importing the same file adds nobody."""

    rows = [r for r in rows if r.get("resident")]
    if not rows:
        return 0, 0
    unit_ids = dict(Unit.objects.filter(site=site, code__in={r["code"] for r in rows}).values_list("code", "pk"))
    existing: dict[tuple[int, str, str], Resident] = {}
    for known in Resident.objects.filter(site=site, unit_id__in=unit_ids.values()):
        existing.setdefault((known.unit_id, known.name, known.phone), known)
    new: list[Resident] = []
    changed: list[Resident] = []
    fields = ["kind", "phone2", "id_number", "move_in_date", "relation"]
    for row in rows:
        r, unit_id = row["resident"], unit_ids[row["code"]]
        res = existing.get((unit_id, r["name"], r["phone"]))
        if res is None:
            res = Resident(site=site, unit_id=unit_id, name=r["name"], phone=r["phone"],
                           **{k: r[k] for k in fields})
            new.append(res)
            existing[(unit_id, r["name"], r["phone"])] = res
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
    w.writerow(TEMPLATE_HEADERS[kind])
    w.writerows(EXAMPLES[kind])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def template_xlsx(kind: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(ImportJob.Kind(kind).label)
    ws.append(TEMPLATE_HEADERS[kind])
    for row in EXAMPLES[kind]:
        ws.append(row)
    for i, _c in enumerate(TEMPLATE_HEADERS[kind]):
        ws.column_dimensions[chr(ord("A") + i)].width = 16
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
