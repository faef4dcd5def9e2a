"""`{% can_act "callbacks" callback "cancel" as ok %}`: templates ask the action's own predicate
(core.actions) instead of comparing status strings or role lists (issue 14.1)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from core.actions import registry

register = template.Library()


@register.simple_tag(takes_context=True)
def can_act(context: template.Context, registry_name: str, obj: Any, key: str) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return registry(registry_name).allowed(user, obj, key)


@register.simple_tag
def action_url(reg: Any, obj: Any, key: str) -> str:
    return reg.post_reverse(obj, key)


@register.simple_tag
def action_form_url(reg: Any, obj: Any, key: str) -> str:
    return reverse(reg.form_url_name, args=[*reg.url_args(obj), key])
