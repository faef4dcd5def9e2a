"""One list of blocks → web page context, PDF (WeasyPrint, SVG charts) and XLSX (openpyxl, a sheet per section)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.pdf import render_pdf
from reports.registry import COUNT, MONEY, RATE, Block

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]}-{n}"
        n += 1
    used.add(name)
    return name


def _cell(ws, row: int, col: int, value, kind: str) -> None:
    cell = ws.cell(row=row, column=col)
    if kind == RATE:
        cell.value = Decimal(str(value))
        cell.number_format = "0.0%"
    elif kind == MONEY:
        cell.value = Decimal(str(value))
        cell.number_format = "#,##0.00"
    elif kind == COUNT:
        cell.value = int(value)
        cell.number_format = "#,##0"
    else:
        cell.value = value


def render_xlsx(blocks: list[Block], *, title: str, month: date | None = None) -> bytes:
    """One sheet per section: figures (label, value), then every table, then chart data as a table."""

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    bold = Font(bold=True)
    cover = wb.create_sheet(sheet_title(_("Report"), used))
    cover["A1"] = title
    cover["A1"].font = Font(bold=True, size=14)
    cover["A2"] = _("Generated")
    cover["B2"] = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    if month:
        cover["A3"] = _("Month")
        cover["B3"] = f"{month:%Y-%m}"
    for i, block in enumerate(blocks, start=5):
        cover.cell(row=i, column=1, value=block.title)
    cover.column_dimensions["A"].width = 30
    for block in blocks:
        ws = wb.create_sheet(sheet_title(block.title, used))
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 16
        ws.cell(row=1, column=1, value=block.title).font = Font(bold=True, size=13)
        row = 3
        if block.figures:
            ws.cell(row=row, column=1, value=_("Figure")).font = bold
            ws.cell(row=row, column=2, value=_("Value")).font = bold
            row += 1
            for fig in block.figures:
                ws.cell(row=row, column=1, value=fig.label)
                _cell(ws, row, 2, fig.value, fig.kind)
                row += 1
            row += 1
        for table in block.tables:
            ws.cell(row=row, column=1, value=table.title).font = bold
            row += 1
            for col, header in enumerate(table.headers, start=1):
                ws.cell(row=row, column=col, value=header).font = bold
            row += 1
            for values in table.rows:
                for col, (value, kind) in enumerate(zip(values, table.kinds, strict=False), start=1):
                    _cell(ws, row, col, value, kind)
                row += 1
            row += 1
        for chart in block.charts:
            ws.cell(row=row, column=1, value=chart.title).font = bold
            row += 1
            ws.cell(row=row, column=1, value="").font = bold
            for col, ds in enumerate(chart.datasets, start=2):
                ws.cell(row=row, column=col, value=ds["label"]).font = bold
            row += 1
            for i, label in enumerate(chart.labels):
                ws.cell(row=row, column=1, value=label)
                for col, ds in enumerate(chart.datasets, start=2):
                    ws.cell(row=row, column=col, value=Decimal(str(ds["data"][i])))
                row += 1
            row += 1
        for note in block.notes:
            ws.cell(row=row, column=1, value=note)
            row += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_report_pdf(blocks: list[Block], *, title: str, scope: str, period: str) -> bytes:

    return render_pdf("reports/print/monthly.html", {
        "blocks": blocks, "title": title, "scope": scope, "period": period,
        "generated_at": timezone.localtime(),
    })
