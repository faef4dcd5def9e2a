"""The three-part printed work order (SPEC T-02), batch printing and the T-13 spreadsheet."""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import date, datetime, timedelta
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.notifications import ENQUEUE_RETRY_POLICY
from core.pdf import batch as gc_off
from core.pdf import (
    html_to_pdf,
    html_to_pdfs_by_anchor,
    html_to_pdfs_parallel,
    merge_pdfs,
    pdf_processes,
    render_html,
    start_pdf_workers,
)
from core.pdf_worker import qr_src as _qr_src
from core.worktime import TZ
from tickets.models import WorkOrder
from tickets.selectors import work_order_list_visible_to
from tickets.tasks import work_order_prerender_task

log = logging.getLogger(__name__)
TEMPLATE = "tickets/print/work_order.html"
BATCH_SYNC_LIMIT = 20  # a larger batch is built by a Celery task with progress
BATCH_LAYOUT_CHUNK = 25  # forms laid out in one WeasyPrint pass (bounded memory for any batch)
PARALLEL_MIN_FORMS = 6  # from this many forms to render, worker processes (issue 21.4); fewer: in-process
# orders worth printing ahead: the form is printed at dispatch and the receipt after completion
PRERENDER_STATUSES = {"registered", "dispatched", "on_site", "completed"}
STORED_DAYS = 14  # stored forms older than this are pruned (an old order renders again if reprinted)
PARTS = [
    # Translators: 存根联 — part 1 stays at the front desk
    ("stub", _("Part 1 · Stub"), "存根联", _("Kept at the front desk")),
    # Translators: 派工联 — part 2 goes to the department
    ("dispatch", _("Part 2 · Dispatch copy"), "派工联", _("For the department")),
    # Translators: 回执联 — part 3 is signed by the resident and returned
    ("receipt", _("Part 3 · Receipt"), "回执联", _("Signed by the resident and returned to the front desk")),
]


def print_queryset():
    return WorkOrder.objects.select_related(
        "site", "unit", "zone", "resident", "category", "department", "assignee", "receiver__staff",
    ).prefetch_related("charges", "materials")


def qr_src(text: str) -> str:
    """The QR code of `text` as the form's <img> names it: made by the process laying the form out
    (core.pdf_worker.url_fetcher; a batch's worker processes), one pixel a module, printed 24 mm wide
    with `image-rendering: crisp-edges` (issue 21.4)."""
    return _qr_src(text)


def order_context(order: WorkOrder) -> dict:
    url = f"{settings.SITE_URL.rstrip('/')}{order.get_absolute_url()}"
    charges = list(order.charges.all())
    # issue 22: the receipt part (回执联) goes home with the resident; its QR opens the order's public
    # status page (portal) by the order's unguessable token, without a login and without personal data
    status_url = f"{settings.SITE_URL.rstrip('/')}{reverse('portal:public_status', args=[order.public_token])}"
    return {"order": order, "qr": qr_src(url), "url": url, "charges": charges,
            "status_qr": qr_src(status_url), "status_url": status_url,
            "materials": list(order.materials.all()), "total": sum((c.amount for c in charges), 0)}


# Stored forms and batches are files of the media storage (core/storage.py: filesystem or S3), one
# folder per order: tickets/print/<order id>/<language>-<hash of the HTML>.pdf
PRINT_DIR = "tickets/print"
BATCH_DIR = "tickets/batches"


def stored_form_dir(order_id: int) -> str:
    return f"{PRINT_DIR}/{int(order_id)}"


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _files(folder: str) -> list[str]:
    try:
        return default_storage.listdir(folder)[1]
    except FileNotFoundError:
        return []


def _form(order: WorkOrder) -> tuple[dict, str, str]:
    """An order's print context, its HTML and the stored file name (its folder / language-hash.pdf)."""
    item = order_context(order)
    html = render_html(TEMPLATE, {"items": [item], "parts": PARTS})
    lang = translation.get_language() or settings.LANGUAGE_CODE
    # one stored form per order and language: a print in English does not evict the Chinese one
    return item, html, f"{stored_form_dir(order.pk)}/{lang}-{sha256(html.encode()).hexdigest()[:24]}.pdf"


def _store(name: str, pdf: bytes) -> None:
    # whole or not at all for a concurrent reader (a PUT on S3, a link of a finished file on disk)
    default_storage.save(name, ContentFile(pdf))
    folder, filename = name.rsplit("/", 1)
    lang = filename.split("-", 1)[0]
    for old in _files(folder):
        if old.startswith(f"{lang}-") and old != filename:
            default_storage.delete(f"{folder}/{old}")


def work_order_pdf(order: WorkOrder) -> bytes:
    """SPEC T-02: one order's three-part PDF (存根联 / 派工联 / 回执联).

    Stored under a hash of its HTML: an unchanged order is read back (~1 ms instead of a ~250 ms
    WeasyPrint render), and anything printed that changes — status, charges, a renamed worker, the
    language — makes different HTML and so a new render. Dispatch renders it ahead in the worker
    (`work_order_prerender`), so the front desk's print and the day's batch find it ready.
    """
    _item, html, name = _form(order)
    stored = _read(name)
    if stored is not None:
        return stored
    pdf = html_to_pdf(html, lean=True)
    _store(name, pdf)
    return pdf


def work_orders_pdf(orders: list[WorkOrder], progress=None) -> bytes:
    """One PDF: for each order its three A4 parts with the same number and QR code.

    Stored forms are read back; the others are laid out together in one WeasyPrint pass per chunk
    (issue 21.4: one style computation and font set-up for many orders instead of one per order),
    split into one PDF per order at the anchor of its first part, stored as `work_order_pdf` would
    store them, then merged in the order asked."""
    ids = [o.pk for o in orders]
    by_id = print_queryset().in_bulk(ids)
    if len(ids) == 1:
        pdf = work_order_pdf(by_id[ids[0]])
        if progress:
            progress(1, 1)
        return pdf
    with gc_off():  # many short-lived objects, most in the pypdf merge (issue 21.4: merge ~0.55 -> ~0.3 s)
        return _batch_pdf(ids, by_id, progress)


def _batch_pdf(ids: list[int], by_id: dict, progress) -> bytes:
    if len(ids) >= PARALLEL_MIN_FORMS:
        start_pdf_workers()  # the first batch in a process: WeasyPrint imported while the forms are made
    forms = {pk: _form(by_id[pk]) for pk in dict.fromkeys(ids)}
    parts = {pk: _read(name) for pk, (_item, _html, name) in forms.items()}
    missing = [pk for pk, data in parts.items() if data is None]
    done = len(parts) - len(missing)
    if progress and done:
        progress(done, len(ids))
    chunks = _chunks(missing)
    htmls = [_joined([forms[pk] for pk in chunk]) for chunk in chunks]
    starts = [[f"wo-{pk}-{PARTS[0][0]}" for pk in chunk] for chunk in chunks]
    if len(chunks) > 1:  # laid out in worker processes at once, results arriving in chunk order
        results = html_to_pdfs_parallel(list(zip(htmls, starts, strict=True)), lean=True)
    else:
        results = (html_to_pdfs_by_anchor(h, s, lean=True) for h, s in zip(htmls, starts, strict=True))
    for chunk, pdfs in zip(chunks, results, strict=True):
        for pk, pdf in zip(chunk, pdfs, strict=True):
            _store(forms[pk][2], pdf)
            parts[pk] = pdf
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    return merge_pdfs([parts[pk] or b"" for pk in ids])


SHEET_START = '<div class="page" data-copy-sheet='  # the template's copy sheet, right after the last form


def _joined(forms: list[tuple[dict, str, str]]) -> str:
    """One document holding the given forms' pages in order: their own HTML joined (the same text as the
    template rendered with all their items, without rendering it again: issue 21.4), the head and the
    dispatch copy's caption sheet once."""
    htmls = [html for _item, html, _name in forms]
    first = htmls[0]
    body = first.index("<body>") + len("<body>")
    head, tail = first[:body], first[first.index(SHEET_START):]
    if not all(html.startswith(head) and html.endswith(tail) for html in htmls):  # not one language
        return render_html(TEMPLATE, {"items": [item for item, _html, _name in forms], "parts": PARTS})
    return head + "".join(html[body:-len(tail)] for html in htmls) + tail


def _chunks(pks: list[int]) -> list[list[int]]:
    """Forms laid out together: up to BATCH_LAYOUT_CHUNK in one pass in-process; from PARALLEL_MIN_FORMS
    on, about two chunks per worker process (each worker lays out its chunks in one pass each, and
    the work stays balanced: 50 forms on 2 processes are 4 chunks of 13)."""
    processes = pdf_processes()
    if len(pks) < PARALLEL_MIN_FORMS or processes <= 1:
        size = BATCH_LAYOUT_CHUNK
    else:
        size = min(BATCH_LAYOUT_CHUNK, max(2, -(-len(pks) // (2 * processes))))
    return [pks[i:i + size] for i in range(0, len(pks), size)]


def work_order_prerender(order_id: int) -> bool:
    """Render an order's form ahead (in the site's language); False if there is nothing to print."""
    order = print_queryset().filter(pk=order_id, status__in=PRERENDER_STATUSES).first()
    if order is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        work_order_pdf(order)
    return True


def schedule_prerender(order: WorkOrder) -> None:
    """After the order's transaction commits, have the worker render its form ahead."""
    if settings.PROPSERV_PDF_PRERENDER and order.status in PRERENDER_STATUSES:
        transaction.on_commit(lambda: _enqueue_prerender(order.pk))


def _enqueue_prerender(order_id: int) -> None:

    try:
        work_order_prerender_task.apply_async(args=[order_id], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception:  # broker down: the form is rendered when printed, nothing is lost
        log.warning("broker unavailable; work order %s renders on print", order_id, exc_info=True)


def prune_stored_forms(*, days: int = STORED_DAYS) -> int:
    """Delete stored forms not rewritten for `days` (storage stays at about two weeks of orders),
    and finished batch files older than a day."""
    now = timezone.now()
    removed = 0
    folders = [PRINT_DIR]
    with contextlib.suppress(FileNotFoundError):
        folders += [f"{PRINT_DIR}/{d}" for d in default_storage.listdir(PRINT_DIR)[0]]
    for folder, cutoff in [*((f, now - timedelta(days=days)) for f in folders), (BATCH_DIR, now - timedelta(days=1))]:
        for name in _files(folder):
            if name.endswith(".pdf") and default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
                default_storage.delete(f"{folder}/{name}")
                removed += 1
    return removed


def batch_queryset(user, day: date, department: str | None = None):

    start = datetime(day.year, day.month, day.day, tzinfo=TZ)
    qs = work_order_list_visible_to(user).filter(dispatched_at__gte=start, dispatched_at__lt=start + timedelta(days=1))
    if department and str(department).isdigit():
        qs = qs.filter(department_id=int(department))
    return qs.order_by("department_id", "number")


def batch_file_name(task_id: str) -> str:
    return f"{BATCH_DIR}/{str(task_id).replace('/', '').replace(chr(92), '')}.pdf"


def batch_file_store(task_id: str, pdf: bytes) -> None:
    name = batch_file_name(task_id)
    default_storage.delete(name)  # a re-run task (redelivered message) replaces its own file
    default_storage.save(name, ContentFile(pdf))


def batch_file_read(task_id: str) -> bytes | None:
    return _read(batch_file_name(task_id))


def batch_progress(task_id: str) -> dict:
    return cache.get(f"tickets:batch:{task_id}") or {}


def set_batch_progress(task_id: str, **values) -> None:
    cache.set(f"tickets:batch:{task_id}", {**batch_progress(task_id), **values}, 3600)


def settlement_xlsx(data: dict, year: int, month: int) -> bytes:
    """SPEC T-13 结算联 as a spreadsheet: totals per department, then the orders."""

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}-{month:02d}"
    bold = Font(bold=True)
    ws.append([str(_("Site")), str(_("Department")), str(_("Orders")), str(_("Total"))])
    for cell in ws[1]:
        cell.font = bold
    for r in data["by_department"]:
        ws.append([r["order__site__name"], r["order__department__name"] or "", r["orders"], r["total"]])
    ws.append(["", str(_("Total")), "", data["total"]])
    ws.append([])
    # issue 23.8: numbers repeat across sites, so the order lines name their site
    ws.append([str(_("Site")), str(_("Number")), str(_("Department")), str(_("Unit")), str(_("Amount"))])
    for o in data["orders"]:
        ws.append([o.site.code, o.number, o.department.name if o.department_id else "",
                   o.unit.code if o.unit_id else o.location, o.total])
    for row in ws.iter_rows():
        for cell in row:
            if cell.column in (4, 5) and not isinstance(cell.value, str) and cell.value is not None:
                cell.number_format = "¥#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
