"""Money in fees: parsing what people type and the one rounding point (F-01, issue 16 "bad input").

- `parse_amount` turns `１２３`, `1,000.00`, ` 12.5 ` into a `Decimal` with 2 places, and refuses
  `-1`, `0.001`, `NaN`, `1e309`, 10^12 and words with a clear message (DomainError) — never a float,
  never a 500. `AmountField` is the form field built on it.
- `line_amount` is the only place an amount is rounded: quantity × price (tier by tier) quantized
  to the fen with ROUND_HALF_UP, once per bill line. Totals are sums of rounded lines, so a bill's
  total always equals what its lines show.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.numbers import FULL_WIDTH

FEN = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")  # what max_digits=12, decimal_places=2 holds
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_amount(raw, *, allow_zero: bool = False, maximum: Decimal = MAX_AMOUNT) -> Decimal:
    """A typed amount of yuan as a Decimal with 2 places, or DomainError with a message for the field."""
    if isinstance(raw, float):  # never trust a float's digits
        raise DomainError(_("Enter the amount as digits, e.g. 1234.50."), code="amount")
    text = str(raw if raw is not None else "").translate(FULL_WIDTH).strip().replace("¥", "").replace("元", "")
    text = text.replace(" ", "")
    if not text:
        raise DomainError(_("Enter an amount."), code="amount")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):  # NaN, inf, 1e309, letters, two dots, misplaced commas
        raise DomainError(_("Enter the amount as digits, e.g. 1234.50."), code="amount")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError(_("Enter the amount as digits, e.g. 1234.50."), code="amount") from None
    if value < 0:
        raise DomainError(_("The amount cannot be negative."), code="amount")
    if value == 0 and not allow_zero:
        raise DomainError(_("The amount must be more than 0."), code="amount")
    if value != value.quantize(FEN):
        raise DomainError(_("Amounts are in yuan with at most 2 decimal places (fen)."), code="amount")
    if value > maximum:
        raise DomainError(_("The amount is too large (at most %(max)s).") % {"max": f"{maximum:,}"}, code="amount")
    return value.quantize(FEN)


class AmountField(forms.CharField):
    """A form field for yuan: the rules of `parse_amount`, errors beside the field (SPEC X-03)."""

    def __init__(self, *, allow_zero: bool = False, maximum: Decimal = MAX_AMOUNT, **kwargs) -> None:
        self.allow_zero, self.maximum = allow_zero, maximum
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "40")
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 40:
            raise forms.ValidationError(_("Enter the amount as digits, e.g. 1234.50."), code="amount")
        try:
            return parse_amount(value, allow_zero=self.allow_zero, maximum=self.maximum)
        except DomainError as err:
            raise forms.ValidationError(err.message, code="amount") from None


def parse_quantity(raw, label: str = "") -> Decimal:
    """A meter reading or quantity: same rules as amounts, zero allowed."""
    try:
        return parse_amount(raw, allow_zero=True)
    except DomainError as err:
        raise DomainError(f"{label}: {err.message}" if label else err.message, code="quantity") from None


def tiered_cost(quantity: Decimal, price: Decimal, tiers: list) -> Decimal:
    """Unrounded cost of `quantity` under a tier table [[up_to or None, price], …] (阶梯价), else flat."""
    if not tiers:
        return quantity * price
    cost, lower = Decimal(0), Decimal(0)
    for up_to, tier_price in tiers:
        upper = Decimal(str(up_to)) if up_to is not None else None
        if quantity <= lower:
            break
        span = (min(quantity, upper) if upper is not None else quantity) - lower
        cost += span * Decimal(str(tier_price))
        if upper is None:
            break
        lower = upper
    return cost


def line_amount(quantity: Decimal, price: Decimal, tiers: list | None = None) -> Decimal:
    """THE rounding point (F-01): a bill line's amount, ROUND_HALF_UP to the fen."""
    return tiered_cost(Decimal(quantity), Decimal(price), tiers or []).quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> str:
    """¥1,234.50 (Chinese convention, X-05)."""
    return f"¥{value:,.2f}"


AMOUNT_HELP = gettext_lazy("Yuan, e.g. 1234.50")
