"""`{% approvals_panel record %}`: the approvals of a record (SPEC T-18) — who must decide, status, who
decided, on paper or in own login — with a link to each request."""

from __future__ import annotations

from typing import Any

from django import template

from core import approvals as ap

register = template.Library()


@register.inclusion_tag("core/partials/_approvals.html")
def approvals_panel(record: Any) -> dict:
    rows = list(ap.approvals_of(record))
    kinds = ap.kinds()
    for r in rows:
        r.kind_label = kinds[r.kind].label if r.kind in kinds else r.kind
        r.role_label = ap.role_label(r.role)
    return {"rows": rows}
