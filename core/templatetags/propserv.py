"""Presentation helpers: badges for states live here, not in models (STYLE §7)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

register = template.Library()

_BADGE = {
    # generic state words used by several apps → Bootstrap colour
    "running": "primary", "met": "success", "breached": "danger", "cancelled": "secondary",
    "registered": "secondary", "dispatched": "primary", "on_site": "info", "completed": "info",
    "returned": "warning", "callback": "warning", "closed": "success", "rework": "danger",
    "open": "primary", "overdue": "danger", "done": "success", "void": "secondary",
    "valid": "success", "invalid": "secondary", "draft": "secondary", "approved": "success",
    "pending": "warning", "escalated": "danger", "resolved": "info",
}


@register.simple_tag
def state_badge(value: str, label: str | None = None) -> str:
    colour = _BADGE.get(str(value), "secondary")
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, label or value)


@register.filter
def yuan(value: Decimal | int | None) -> str:
    """SPEC X-05: money in Chinese convention, ¥1,234.50."""
    if value is None:
        return ""
    return f"¥{Decimal(value):,.2f}"


@register.filter
def percent(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def qty(value: Decimal | float | int | str | None) -> str:
    """A quantity or number of hours as written by hand: 1.00 → "1", 1.50 → "1.5" (issue 20.9)."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text
