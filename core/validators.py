"""One rule per kind of typed value (issue 13.4), used by every form and every import.

- `normalize_phone`: a mainland mobile (1[3-9] + 9 digits) or a landline with its area code
  (0 + 2–3 digits, then 7–8 digits, optional extension); `+86` / `86` / `0086` prefix, spaces,
  dashes, dots and brackets and full-width digits accepted. Stored canonical form: `13812345678`,
  `0755-12345678`, `0755-12345678-123`.
- `normalize_id_number`: the 18-character resident ID number of GB 11643 with its check digit
  (or the old 15-digit form).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_HALF_WIDTH = {**{cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def to_half_width(value: str) -> str:
    """Full-width digits, letters and punctuation (０-９, Ａ, －, （, the ideographic space) → ASCII."""
    return (value or "").translate(_HALF_WIDTH).strip()


PHONE_MESSAGE = _("Enter a mobile number (e.g. 13812345678) or a landline with its area code (e.g. 0755-12345678).")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# area codes: 010, 02x (3 digits) or 0 + 3 digits; subscriber 7–8 digits; extension 1–6 digits
_LANDLINE = re.compile(r"^(0(?:10|2\d|[3-9]\d{2}))-?(\d{7,8})(?:(?:-|转|ext\.?|x|#)(\d{1,6}))?$", re.IGNORECASE)


def normalize_phone(value: str) -> str:
    """The canonical stored form of a phone number, or ValidationError. Empty stays empty."""
    s = re.sub(r"[\s.()\u00a0]", "", to_half_width(value))  # spaces, dots, brackets round the area code
    if not s:
        return ""
    s, had_country_code = re.subn(r"^(?:\+86|0086|86(?=-?1[3-9]\d{9}$))-?", "", s)
    digits = s.replace("-", "")
    if _MOBILE.match(digits):
        return digits
    if had_country_code and (s[:1] in "23456789" or s.startswith("10")):
        s = "0" + s  # +86 755 12345678: the trunk 0 is dropped after the country code
    m = _LANDLINE.match(s)
    if m is None:
        raise ValidationError(PHONE_MESSAGE, code="phone")
    area, number, ext = m.groups()
    return f"{area}-{number}" + (f"-{ext}" if ext else "")


def validate_phone(value: str) -> None:
    normalize_phone(value)


class PhoneField(forms.CharField):
    """The phone of every form: checked and stored in canonical form (issue 13.4)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.pop("validators", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


ID_MESSAGE = _("Enter a valid ID number (18 characters, the last one a check digit or X).")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """An ID number with a valid date and check digit, upper-case X; or ValidationError."""
    s = re.sub(r"\s", "", to_half_width(value)).upper()
    if not s:
        return ""
    if re.fullmatch(r"\d{15}", s):  # first-generation card: 6 area, YYMMDD, 3 sequence
        birth = "19" + s[6:12]
    elif re.fullmatch(r"\d{17}[\dX]", s):
        birth = s[6:14]
        if id_check_char(s[:17]) != s[17]:
            raise ValidationError(_("The ID number's check digit is wrong; check the number."), code="id_check")
    else:
        raise ValidationError(ID_MESSAGE, code="id_number")
    try:
        date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        raise ValidationError(ID_MESSAGE, code="id_number") from None
    return s
