"""Figures and charts in templates: values by kind, and charts as server-side SVG for the PDF/e-mail."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.registry import COUNT, MONEY, RATE, Chart

register = template.Library()

_COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"]


@register.filter
def figure_value(value, kind: str = COUNT) -> str:
    """A figure as text: counts with thousands separators, rates as 85.7%, money as ¥1,234.50."""
    if value is None or value == "":
        value = 0
    if kind == RATE:
        return f"{Decimal(str(value)) * 100:.1f}%"
    if kind == MONEY:
        return f"¥{Decimal(str(value)):,.2f}"
    if kind == COUNT:
        return f"{int(value):,}"
    return str(value)


@register.filter
def chartjs(chart: Chart) -> dict:
    return chart.chartjs()


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000):
        if value <= step * 4:
            return float(step * 4)
    return value * 1.1


@register.simple_tag
def svg_chart(chart: Chart, width: int = 640, height: int = 200) -> str:
    """A plain SVG bar or line chart (WeasyPrint has no JavaScript; SPEC D-02 charts in the PDF)."""
    left, right, top, bottom = 44, 10, 22, 38
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for d in chart.datasets for v in d["data"]] or [0.0]
    vmax = _nice_max(max(values))
    n = max(len(chart.labels), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart-svg" data-chart="{escape(chart.key)}">',
             f'<text x="{left}" y="14" font-size="11" font-weight="bold">{escape(chart.title)}</text>']
    for i in range(5):  # grid and y labels
        y = top + plot_h - plot_h * i / 4
        label = vmax * i / 4
        text = f"{label:.0f}" if vmax >= 4 else f"{label:.2f}"
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd" '
                     'stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="8" text-anchor="end">{text}</text>')
    slot = plot_w / n
    label_every = max(1, n // 12)
    for i, lab in enumerate(chart.labels):
        if i % label_every == 0:
            x = left + slot * (i + 0.5)
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 12}" font-size="8" text-anchor="middle">'
                         f'{escape(lab[:8])}</text>')
    ds_count = max(len(chart.datasets), 1)
    for di, ds in enumerate(chart.datasets):
        colour = _COLOURS[di % len(_COLOURS)]
        if chart.type == "line":
            points = " ".join(f"{left + slot * (i + 0.5):.1f},{top + plot_h - plot_h * float(v) / vmax:.1f}"
                              for i, v in enumerate(ds["data"]))
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" points="{points}"/>')
        else:
            bar_w = slot * 0.7 / ds_count
            for i, v in enumerate(ds["data"]):
                h = plot_h * float(v) / vmax
                x = left + slot * i + slot * 0.15 + bar_w * di
                parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{colour}"/>')
        lx = left + di * 120
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="8" height="8" fill="{colour}"/>'
                     f'<text x="{lx + 11}" y="{height - 7}" font-size="8">{escape(ds["label"][:16])}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#333" '
                 'stroke-width="0.8"/></svg>')
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped
