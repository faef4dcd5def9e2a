"""SPEC D-05: annual statistics — the monthly report's figures for a calendar year, month by month, with the
year's total and the change on the previous year; as a page, a PDF and a spreadsheet.

Built from the same sections as the monthly report (reports never imports a domain app): each section's
`monthly()` is asked for every month of the year and once for the whole year and the year before. The
year's column is the section's own figure over the year (a rate of the year, not a sum of monthly rates);
the change is the relative change of a count or amount, and the difference in points of a rate.
Sections' tables (zone ranking, lists) stay in the monthly reports.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from reports import registry
from reports.registry import COUNT, MONEY, NUMBER, RATE, Block, Table
from reports.selectors import day_start

MONTHS = range(1, 13)


def year_range(year: int) -> tuple[datetime, datetime]:
    return day_start(date(year, 1, 1)), day_start(date(year + 1, 1, 1))


def _blocks(site_ids: list[int], start: datetime, end: datetime) -> dict[str, Block]:
    return {b.key: b for b in registry.collect("monthly", site_ids=site_ids, start=start, end=end)}


def change(now: Decimal, before: Decimal, kind: str) -> Decimal | None:
    """Year on year: a rate → the difference (0.0500 = 5 points); a count or amount → relative change.
    None when there is nothing to compare with (no figure last year)."""
    if kind == RATE:
        return (now - before).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    if not before:
        return None
    return ((now - before) / before).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def annual_blocks(*, site_ids: list[int], year: int) -> list[Block]:
    """One block per section: a table per kind of figure (counts, amounts, rates), rows = figures,
    columns = the twelve months, the year, the year before and the change."""
    months = []
    for m in MONTHS:
        start = day_start(date(year, m, 1))
        end = day_start(date(year + (m == 12), m % 12 + 1, 1))
        months.append(_blocks(site_ids, start, end))
    this_year = _blocks(site_ids, *year_range(year))
    last_year = _blocks(site_ids, *year_range(year - 1))
    month_heads = [f"{year}-{m:02d}" for m in MONTHS]
    out = []
    for key, block in this_year.items():
        tables = []
        kinds_titles = ((COUNT, _("Counts")), (MONEY, _("Amounts")), (NUMBER, _("Figures")),
                        (RATE, _("Rates and shares")))
        for kind, title in kinds_titles:
            figures = [f for f in block.figures if f.kind == kind]
            if not figures:
                continue
            rows = []
            for fig in figures:
                monthly = []
                for mb in months:
                    other = mb.get(key)
                    f = other.figure(fig.key) if other else None
                    monthly.append(f.value if f else 0)
                before_block = last_year.get(key)
                before_fig = before_block.figure(fig.key) if before_block else None
                before = before_fig.value if before_fig else 0
                delta = change(Decimal(str(fig.value)), Decimal(str(before)), kind)
                rows.append([fig.label, *monthly, fig.value, before, delta if delta is not None else ""])
            change_head = _("Year-on-year change (points)") if kind == RATE else _("Year-on-year change")
            headers = [_("Figure"), *month_heads, _("Year %(y)d") % {"y": year},
                       _("Year %(y)d") % {"y": year - 1}, change_head]
            kinds = ["text", *[kind] * 14, "text"]
            for row in rows:  # the change as a percentage text (empty when nothing to compare)
                d = row[-1]
                row[-1] = "" if d == "" else f"{Decimal(d) * 100:+.1f}%" if kind != RATE else f"{Decimal(d) * 100:+.1f}"
            tables.append(Table(key=f"{key}-{kind}", title=title, headers=headers, rows=rows, kinds=kinds))
        if tables:
            out.append(Block(key=key, title=block.title, tables=tables))
    return out
