"""C-10 statistics as XLSX (openpyxl)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def statistics_xlsx(stats: dict, *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    bold = Font(bold=True)
    ws.append([_("Complaint statistics"), title])
    ws["A1"].font = bold
    rows = [
        (_("Complaints"), stats["total"]), (_("Valid"), stats["valid"]), (_("Invalid"), stats["invalid"]),
        (_("Not yet classified"), stats["unclassified"]), (_("Praise"), stats["praise"]),
        (_("On time"), stats["on_time"]), (_("Late"), stats["late"]), (_("Escalated"), stats["escalated"]),
        (_("Households"), stats["households"]),
        (_("Valid complaints per 100 households"), float(stats["valid_rate_per_100"] or 0)),
        (_("Annualised per 100 households"), float(stats["valid_rate_annualised"] or 0)),
        (_("Target per 100 households per year"), float(stats["target_per_100"])),
    ]
    for r in rows:
        ws.append(list(r))
    for key, label in (("by_category", _("By category")), ("by_department", _("By department")),
                       ("by_zone", _("By zone")), ("by_severity", _("By severity")),
                       ("by_level", _("By escalation level")), ("by_cause", _("By cause"))):
        sheet = wb.create_sheet(str(label)[:31])
        sheet.append([str(label), _("Count")])
        sheet["A1"].font = bold
        for row in stats[key]:
            sheet.append([row["label"], row["count"]])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
