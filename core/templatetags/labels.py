"""Codes and logins as a person reads them (issue 20.1): a recorded change `{"status": ["draft", "approved"]}`
is shown with the field's label and the values' labels ("状态：草稿 → 已批准"), a user by the person's
name, role codes by the roles' names — never the codes."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from core.roles import Role

register = template.Library()


def _subject_model(event: Any) -> type[models.Model] | None:
    field_name = getattr(type(event), "subject_field", None)
    if not field_name:
        return None
    try:
        return type(event)._meta.get_field(field_name).related_model
    except FieldDoesNotExist:
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _shown(field: models.Field | None, value: Any) -> Any:
    if value in (None, ""):
        return "—"
    if field is None:
        return value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field.is_relation and isinstance(value, int) and field.related_model is not None:
        obj = field.related_model._default_manager.filter(pk=value).first()
        if obj is None:
            return value
        staff = getattr(obj, "staff", None)  # a user is shown by the person's name, not the login
        return getattr(staff, "name", None) or str(obj)
    return value


@register.filter
def changes(event: Any) -> list[tuple[Any, Any, Any]]:
    """(label, before, after) of each change an event recorded in `data["changes"]`."""
    raw = (getattr(event, "data", None) or {}).get("changes") or {}
    model = _subject_model(event)
    out = []
    for name, pair in raw.items():
        before, after = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
        field = _field(model, name)
        label = capfirst(field.verbose_name) if field is not None else name
        out.append((label, _shown(field, before), _shown(field, after)))
    return out


@register.filter
def person(user: Any) -> str:
    """A user by the person's name (the staff record), the login name only when there is none."""
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", None) or getattr(user, "username", "") or str(user)


@register.filter
def role_labels(codes: str) -> str:
    """"center_head,cs_supervisor" → "服务中心负责人、客服主管" (unknown codes stay as they are)."""
    names = dict(Role.choices)
    return "、".join(str(names.get(c.strip(), c.strip())) for c in (codes or "").split(",") if c.strip())


@register.filter
def kind_label(event: Any) -> Any:
    """A history row's kind by its label: the field's choices, else the event class's `Kind` choices
    (apps declare `class Kind(TextChoices)` beside an unconstrained `kind` column), else the code."""
    display = getattr(event, "get_kind_display", None)
    if display is not None:
        return display()
    kinds = getattr(type(event), "Kind", None)
    labels = dict(kinds.choices) if kinds is not None and hasattr(kinds, "choices") else {}
    return labels.get(event.kind, event.kind)
