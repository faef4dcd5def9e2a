"""The three-part printed work order (SPEC T-02), batch printing and the T-13 spreadsheet."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.pdf import batch, qr_svg_data_uri, render_pdf
from core.worktime import TZ
from tickets.models import WorkOrder

BATCH_SYNC_LIMIT = 60  # a larger batch is built by a Celery task with progress
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


def order_context(order: WorkOrder) -> dict:
    url = f"{settings.SITE_URL.rstrip('/')}{order.get_absolute_url()}"
    charges = list(order.charges.all())
    return {"order": order, "qr": qr_svg_data_uri(url), "url": url, "charges": charges,
            "materials": list(order.materials.all()), "total": sum((c.amount for c in charges), 0)}


def work_orders_pdf(orders: list[WorkOrder], progress=None) -> bytes:
    """One PDF: for each order three A4 pages (存根联 / 派工联 / 回执联) with the same number and QR code."""
    ids = [o.pk for o in orders]
    by_id = {o.pk: o for o in print_queryset().filter(pk__in=ids)}
    ctx = []
    for i, pk in enumerate(ids):
        ctx.append(order_context(by_id[pk]))
        if progress:
            progress(i + 1, len(ids))
    with batch():
        return render_pdf("tickets/print/work_order.html", {"items": ctx, "parts": PARTS,
                                                            "printed_at": timezone.now()})


def batch_queryset(user, day: date, department: str | None = None):
    from tickets.selectors import work_order_list_visible_to

    start = datetime(day.year, day.month, day.day, tzinfo=TZ)
    qs = work_order_list_visible_to(user).filter(dispatched_at__gte=start, dispatched_at__lt=start + timedelta(days=1))
    if department and str(department).isdigit():
        qs = qs.filter(department_id=int(department))
    return qs.order_by("department_id", "number")


def batch_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "tickets" / "batches"
    path.mkdir(parents=True, exist_ok=True)
    return path


def batch_file_path(task_id: str) -> Path:
    return batch_dir() / f"{Path(task_id).name}.pdf"


def batch_progress(task_id: str) -> dict:
    return cache.get(f"tickets:batch:{task_id}") or {}


def set_batch_progress(task_id: str, **values) -> None:
    cache.set(f"tickets:batch:{task_id}", {**batch_progress(task_id), **values}, 3600)


def settlement_xlsx(data: dict, year: int, month: int) -> bytes:
    """SPEC T-13 结算联 as a spreadsheet: totals per department, then the orders."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

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
    ws.append([str(_("Number")), str(_("Department")), str(_("Unit")), str(_("Amount"))])
    for o in data["orders"]:
        ws.append([o.number, o.department.name if o.department_id else "", o.unit.code if o.unit_id else o.location,
                   o.total])
    for row in ws.iter_rows():
        for cell in row:
            if cell.column == 4 and not isinstance(cell.value, str) and cell.value is not None:
                cell.number_format = "¥#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
