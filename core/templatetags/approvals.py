"""`{% approvals_panel record %}`: the approvals of a record (SPEC T-18) — who must decide, status, who
decided, on paper or in own login — with a link to each request."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core import approvals as ap

register = template.Library()


@register.inclusion_tag("core/partials/_approvals.html")
def approvals_panel(record: Any) -> dict:
    return {"rows": ap.labelled(list(ap.approvals_of(record)))}


@register.simple_tag
def approvals_slot(record: Any) -> str:
    """The panel loaded after the page (htmx): the record's page spends no query on it (issue 21.3)."""
    url = reverse("core:approvals_of", args=[record._meta.label_lower, record.pk])
    return format_html('<div hx-get="{}" hx-trigger="load" hx-swap="outerHTML" data-testid="approvals-slot">'
                       "</div>", url)
