"""Registry values (issue 13.4): unit numbers as the center writes them, e.g. 3-2-1502.

Building `3`, `A3`, `12B` or `A`; entrance `2` or `A`; room `1502` or `1502A` (digits, then at most
one letter). Full-width characters and the words people add (`3栋`, `3号楼`, `2单元`, `1502室`) are
normalised, so `15O2` (letter O) is refused and `１５０２室` becomes `1502`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import to_half_width

BUILDING_RE = re.compile(r"^(?:[A-Z]?\d{1,4}[A-Z]?|[A-Z])$")
ENTRANCE_RE = re.compile(r"^(?:\d{1,2}|[A-Z])$")
ROOM_RE = re.compile(r"^\d{1,5}[A-Z]?$")

ROOM_MESSAGE = _("A room number is digits with at most one letter at the end, e.g. 1502 (not the letter O).")
BUILDING_MESSAGE = _("A building number is digits with at most one letter, e.g. 3 or A3.")
ENTRANCE_MESSAGE = _("An entrance is a number or one letter, e.g. 2.")


def _clean(value: str, suffixes: tuple[str, ...]) -> str:
    s = re.sub(r"\s", "", to_half_width(str(value or ""))).upper()
    for suffix in suffixes:
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
            break
    if s.startswith("第"):
        s = s[1:]
    return s


def normalize_building(value: str) -> str:
    s = _clean(value, ("号楼", "栋", "幢", "座", "号", "楼"))
    if not BUILDING_RE.match(s):
        raise ValidationError(BUILDING_MESSAGE, code="building")
    return s


def normalize_entrance(value: str) -> str:
    s = _clean(value, ("单元", "门", "号"))
    if not ENTRANCE_RE.match(s):
        raise ValidationError(ENTRANCE_MESSAGE, code="entrance")
    return s


def normalize_room(value: str) -> str:
    s = _clean(value, ("室", "号", "房"))
    if not ROOM_RE.match(s):
        raise ValidationError(ROOM_MESSAGE, code="room")
    return s


def validate_room(value: str) -> None:
    if not ROOM_RE.match(value or ""):
        raise ValidationError(ROOM_MESSAGE, code="room")


def split_unit_code(value: str) -> tuple[str, str, str]:
    """`3-2-1502` (also `3栋2单元1502室`, `3－2－1502`) → ("3", "2", "1502"), or ValidationError."""
    s = re.sub(r"\s", "", to_half_width(str(value or ""))).upper()
    m = re.fullmatch(r"(?:第)?(\w+?)(?:号楼|栋|幢|座)(\w+?)单元(\w+?)(?:室|号)?", s)
    parts = list(m.groups()) if m else re.split(r"[-_/—–]", s)
    if len(parts) != 3:
        raise ValidationError(_("Use building-entrance-room, e.g. 3-2-1502."), code="code")
    return normalize_building(parts[0]), normalize_entrance(parts[1]), normalize_room(parts[2])
