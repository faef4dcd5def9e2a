"""Fees forms: shape only; the rules are in the services (STYLE §2). Every create form carries a
one-time key (issue 23.2): a payment sent twice is one payment."""

from __future__ import annotations

import io
import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.once import OnceFormMixin
from core.uploads import TABLE_KINDS, DocumentUploadField
from estates.imports import read_table
from fees.models import Payment, Reminder
from fees.money import AMOUNT_HELP, AmountField


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not m or not (1 <= int(m.group(2)) <= 12) or not (2000 <= int(m.group(1)) <= 2100):
            raise forms.ValidationError(_("Enter a month like 2026-11."), code="month")
        return date(int(m.group(1)), int(m.group(2)), 1)


class PaymentForm(OnceFormMixin):
    amount = AmountField(label=_("Amount (yuan)"), help_text=AMOUNT_HELP)
    method = forms.ChoiceField(label=_("Payment method"), choices=Payment.Method.choices)
    bills = forms.MultipleChoiceField(label=_("Pay these bills (none chosen: oldest first)"), required=False,
                                      widget=forms.CheckboxSelectMultiple)
    payer = forms.CharField(label=_("Paid by"), max_length=60, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, open_bills=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bills"].choices = [(str(b.pk), f"{b.period:%Y-%m} {b.title} ¥{b.outstanding:,.2f}")
                                        for b in open_bills]
        self.fields["method"].choices = [c for c in Payment.Method.choices if c[0] != Payment.Method.BANK_COLLECTION]


class ReversalForm(OnceFormMixin):
    amount = AmountField(label=_("Amount to reverse (yuan)"))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BillRunForm(OnceFormMixin):
    period = MonthField(label=_("Month"))


class MeterImportForm(OnceFormMixin):
    period = MonthField(label=_("Month"))
    file = DocumentUploadField(label=_("Spreadsheet (meter number, reading)"), accept=TABLE_KINDS, group="table")


class ReminderOutcomeForm(OnceFormMixin):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[c for c in Reminder.Outcome.choices if c[0]])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BankBatchForm(OnceFormMixin):
    bank = forms.CharField(label=_("Bank"), max_length=30)
    period = MonthField(label=_("Month"))


class BankResultForm(OnceFormMixin):
    """The bank's result file, judged by its content (core.uploads) and read into its rows here, so an
    unreadable sheet is refused next to the field; the service gets the rows below the header."""

    file = DocumentUploadField(label=_("Bank's result file (serial number, result, reason)"), accept=TABLE_KINDS,
                               group="table")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[list[str]] = []

    def clean_file(self):
        checked = self.cleaned_data["file"]
        try:
            self.rows = read_table(io.BytesIO(checked.read()), f"x.{checked.ext}")[1:]
        except DomainError as err:
            raise forms.ValidationError(err.message, code=err.code) from err
        return checked

    def service_kwargs(self) -> dict:
        return {"rows": self.rows}


class UnitRerunForm(OnceFormMixin):
    """The month of the unit's bill to compute again after a correction (F-02)."""

    month = MonthField(label=_("Month"))


class DepositForm(OnceFormMixin):
    amount = AmountField(label=_("Amount (yuan)"))
    method = forms.ChoiceField(label=_("Payment method"), choices=[
        c for c in Payment.Method.choices if c[0] != Payment.Method.BANK_COLLECTION])
    reference = forms.CharField(label=_("Reference (e.g. renovation permit)"), max_length=60, required=False)


class DepositOutForm(OnceFormMixin):
    """A deduction (reason required) or a refund from a deposit held; the service refuses more than is held."""

    reference = forms.ChoiceField(label=_("Deposit"))
    amount = AmountField(label=_("Amount (yuan)"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, held=(), reason_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].choices = [(r["reference"], f"{r['reference'] or '—'} · ¥{r['held']:,.2f}")
                                            for r in held]
        self.fields["reason"].required = reason_required
