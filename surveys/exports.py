"""Chart data and spreadsheet exports of the analysis (SPEC S-06). Numbers come from the selectors."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from surveys.models import Campaign, Grade
from surveys.selectors import item_rates


def _pct(value: Decimal | None) -> float | None:
    return None if value is None else float(value * 100)


def chart_data(campaign: Campaign) -> dict:
    rows = item_rates(campaign)
    return {"labels": [r["label"] for r in rows], "rate": [_pct(r["rate"]) for r in rows],
            "dis_rate": [_pct(r["dis_rate"]) for r in rows],
            "rate_label": _("Satisfaction rate (%)"), "dis_label": _("Dissatisfaction rate (%)")}


def trend_chart(trend: list[dict]) -> dict:
    return {"labels": [f"{t['campaign'].site.code} {t['campaign'].closed_at:%Y-%m}" for t in trend],
            "rate": [_pct(t["rate"]) for t in trend], "label": _("Satisfaction rate (%)")}


def bars(rows: list[dict]) -> list[dict]:
    """Bar widths for the PDF (no JS there)."""
    return [{**r, "width": int((r["rate"] or 0) * 100)} for r in rows]


def _header(ws: Any, values: list) -> None:
    ws.append([str(v) for v in values])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def analysis_xlsx(campaign: Campaign, a: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Items")[:31]
    ws.append([str(campaign), campaign.site.name])
    ws.append([_("Response rate"), float(campaign.current_rate or 0),
               _("Valid") if campaign.is_valid else (_("Invalid") if campaign.is_valid is False else "")])
    _header(ws, [_("Item"), _("Ratings"), *[label for _v, label in Grade.choices], _("Satisfaction rate"),
                 _("Dissatisfaction rate")])
    for r in a["rows"]:
        ws.append([r["label"], r["n"], *r["grades"], float(r["rate"]) if r["rate"] is not None else None,
                   float(r["dis_rate"]) if r["dis_rate"] is not None else None])
        ws.cell(ws.max_row, 8).number_format = "0.0%"
        ws.cell(ws.max_row, 9).number_format = "0.0%"
    for title, key in ((_("Comments"), "comments"), (_("Expectations"), "expectations")):
        sheet = wb.create_sheet(title[:31])
        _header(sheet, [_("Unit"), title])
        for unit, text in a[key]:
            sheet.append([unit, text])
    sheet = wb.create_sheet(_("Corrective actions")[:31])
    _header(sheet, [_("Item"), _("Corrective action"), _("Responsible"), _("Due date"), _("Status")])
    for act in a["actions"]:
        sheet.append([act.item.label if act.item else "", act.description, str(act.owner), act.due_date,
                      act.get_status_display()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def annual_xlsx(report: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = str(report["year"])
    _header(ws, [_("Site"), _("Campaign"), _("Opened at"), _("Households sampled"), _("Forms returned"),
                 _("Response rate"), _("Valid"), _("Satisfaction rate")])
    for row in report["campaigns"]:
        c = row["campaign"]
        ws.append([c.site.name, c.title, c.opened_at.strftime("%Y-%m-%d") if c.opened_at else "",
                   c.sampled_count, c.returned_count, float(c.current_rate or 0),
                   "" if c.is_valid is None else (_("Valid") if c.is_valid else _("Invalid")),
                   float(row["overall"]) if row["overall"] is not None else None])
    comp = report.get("complaints") or {}
    if "total" in comp:
        sheet = wb.create_sheet(_("Complaints")[:31])
        sheet.append([_("Total"), comp["total"]])
        for label, n in comp.get("by_category", []):
            sheet.append([label, n])
    cb = (report.get("callbacks") or {}).get("stats")
    if cb:
        sheet = wb.create_sheet(_("Callbacks")[:31])
        total = cb.get("total", {})
        sheet.append([_("Callbacks due"), total.get("due")])
        sheet.append([_("Called back"), total.get("called")])
        sheet.append([_("Callback rate"), total.get("rate")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
