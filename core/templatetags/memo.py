"""`{% memo %}…{% endmemo %}`: a template block rendered once per process and kept (issue 21.2).

For the parts of a page every request renders the same way — static file links, `{% url %}` without
arguments, translated labels: the block's output is kept per block, language, script prefix and URL
configuration, plus any values given (`{% memo LANGUAGE_CODE %}`). A block may hold nothing else that
varies: no user, request, CSRF token or message. Cleared when a setting changes (tests)."""

from __future__ import annotations

import itertools
from contextlib import suppress
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[tuple, str] = {}
_KEPT_SIZE = 512
_IDS = itertools.count()


def _forget(**kwargs: Any) -> None:
    _KEPT.clear()


setting_changed.connect(_forget, dispatch_uid="core-template-memo")


class MemoNode(template.Node):
    def __init__(self, nodelist: template.NodeList, vary_on: list[template.base.FilterExpression]) -> None:
        self.nodelist, self.vary_on, self.ident = nodelist, vary_on, next(_IDS)

    def render(self, context: template.Context) -> str:
        key = (self.ident, get_language(), get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF,
               *(value.resolve(context) for value in self.vary_on))
        html = _KEPT.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_KEPT) >= _KEPT_SIZE:
                with suppress(KeyError, RuntimeError, StopIteration):  # another thread evicting at once
                    _KEPT.pop(next(iter(_KEPT)))  # the oldest
            _KEPT[key] = html
        return mark_safe(html)  # noqa: S308 (the block's own rendered, escaped output)


@register.tag("memo")
def do_memo(parser: template.base.Parser, token: template.base.Token) -> MemoNode:
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in token.split_contents()[1:]])
