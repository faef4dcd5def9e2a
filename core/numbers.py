"""Bounded decimal numbers (issue 13.3): the limits of every quantity, price, hour and area in one place.

A number typed into a form is a `Decimal` within its `Bound` or a field error: `1e309`, `NaN`, `inf`,
40 digits, a negative where none is allowed and too many decimals never reach a service. Services
re-check with `bounded_decimal` (DomainError), and each model field carries `Bound.validators()` for
ModelForms and the admin and a `CheckConstraint` from `Bound.constraint()` so the database refuses
what slipped past both (an ORM `update()`, a shell).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _

from core.errors import DomainError

FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "－": "-", "＋": "+",
                            "，": ",", "　": " "})


@dataclass(frozen=True)
class Bound:
    min: Decimal
    max: Decimal
    places: int = 2
    min_exclusive: bool = False  # e.g. an area must be more than 0

    @property
    def max_digits(self) -> int:
        return len(str(int(self.max))) + self.places

    def validators(self) -> list:
        return [MinValueValidator(self.min), MaxValueValidator(self.max)]

    def form_field(self, **kwargs) -> forms.DecimalField:
        """A form field that refuses non-finite, out-of-range, too long and too precise numbers."""
        field = BoundedDecimalField(bound=self, **kwargs)
        return field

    def constraint(self, field: str, name: str, *, nullable: bool = False) -> models.CheckConstraint:
        low = {f"{field}__gt" if self.min_exclusive else f"{field}__gte": self.min}
        cond = models.Q(**low, **{f"{field}__lte": self.max})
        if nullable:
            cond = models.Q(**{f"{field}__isnull": True}) | cond
        return models.CheckConstraint(condition=cond, name=name)


class BoundedDecimalField(forms.DecimalField):
    def __init__(self, *, bound: Bound, **kwargs) -> None:
        self.bound = bound
        kwargs.setdefault("max_digits", bound.max_digits)
        kwargs.setdefault("decimal_places", bound.places)
        kwargs.setdefault("min_value", bound.min)
        kwargs.setdefault("max_value", bound.max)
        super().__init__(**kwargs)
        if bound.min_exclusive:
            self.widget.attrs["min"] = "0." + "0" * (bound.places - 1) + "1" if bound.places else "1"

    def to_python(self, value):
        if isinstance(value, str):
            value = value.translate(FULL_WIDTH).strip().replace(",", "")
        return super().to_python(value)

    def validate(self, value) -> None:
        super().validate(value)  # refuses NaN and ±inf
        if value not in self.empty_values and self.bound.min_exclusive and value <= self.bound.min:
            raise forms.ValidationError(_("Enter a number greater than %(min)s.") % {"min": self.bound.min},
                                        code="min_value")


def bounded_decimal(value, bound: Bound, label: str) -> Decimal:
    """The service-side check (DomainError): finite, within the bound, at most `places` decimals."""
    try:
        d = Decimal(str(value).translate(FULL_WIDTH).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("%(f)s must be a number.") % {"f": label}, code="number") from None
    if not d.is_finite():
        raise DomainError(_("%(f)s must be a number.") % {"f": label}, code="number")
    too_low = d <= bound.min if bound.min_exclusive else d < bound.min
    if too_low or d > bound.max:
        raise DomainError(_("%(f)s must be between %(min)s and %(max)s.")
                          % {"f": label, "min": bound.min, "max": bound.max}, code="number")
    if d != d.quantize(Decimal(1).scaleb(-bound.places)):
        raise DomainError(_("%(f)s has at most %(n)s decimal places.") % {"f": label, "n": bound.places},
                          code="number")
    return d.quantize(Decimal(1).scaleb(-bound.places))


# The limits. A change here needs a migration of the constraints that use it.
HOURS = Bound(Decimal("0"), Decimal("999.99"))  # labour / preparation hours of one order
QUANTITY = Bound(Decimal("0"), Decimal("9999.99"))  # materials, charged quantities
PRICE = Bound(Decimal("0"), Decimal("99999.99"))  # one price / unit price, yuan
AMOUNT = Bound(Decimal("0"), Decimal("999999999.99"))  # quantity × price
AREA = Bound(Decimal("0"), Decimal("99999.99"))  # floor area in m²; forms ask for > 0 (AREA_ENTERED)
AREA_ENTERED = Bound(Decimal("0"), Decimal("99999.99"), min_exclusive=True)
SHARE = Bound(Decimal("0"), Decimal("1"), places=3)  # a proportion 0..1
PERCENT = Bound(Decimal("0.01"), Decimal("100"))  # a share typed in per cent
