"""The steps of a payment reminder, a payment, a unit's deposits and bill, and a bank collection batch
(STYLE §3, issue 14.1): one declaration each — the `permissions` check the service asks too (as a
predicate), the form, the service call. Run by core's generic view at the record's own URL; the pages ask
for `forms` or `{% can_act %}`."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from core.service_kit import allows
from estates.models import Unit
from fees import forms as f
from fees import permissions
from fees import selectors as sel
from fees import services as svc
from fees.models import BankBatch, Payment, Reminder


def _reminder(request: Any, pk: int) -> Reminder:
    return get_object_or_404(sel.reminder_list_visible_to(request.user), pk=pk)


def _page_again(request: Any) -> int:
    return 200  # the page again with the message next to the form (as before issue 14.1)


REMINDER = Registry("fees.reminder", get_object=_reminder, error_status=_page_again)
REMINDER.add(Action(
    "outcome", _("Record the outcome"), f.ReminderOutcomeForm,
    lambda u, r: allows(permissions.check_reminder_outcome, u, r),
    run=lambda r, u, d: svc.reminder_record_outcome(reminder=r, actor=u, outcome=d["outcome"], note=d["note"]),
    message=_("Outcome recorded.")), url_name="fees:reminder_detail")


def _payment(request: Any, pk: int) -> Payment:
    return get_object_or_404(sel.payment_list_visible_to(request.user).select_related("unit", "receipt"), pk=pk)


PAYMENT = Registry("fees.payment", get_object=_payment, error_status=_page_again,
                   page_url=lambda p: reverse("fees:unit_account", args=[p.unit_id]))  # listed on the unit's account
PAYMENT.add(Action(
    "reverse", _("Reverse"), f.ReversalForm,
    lambda u, p: p.purpose == Payment.Purpose.CHARGES and permissions.can_finance(u, p.site_id),
    run=lambda p, u, d: svc.payment_reverse(payment=p, amount=d["amount"], reason=d["reason"], actor=u),
    style="danger", message=_("Reversal posted.")), url_name="fees:payment_reverse")


# ---- a unit's deposits (R-05 deducted with the reason, R-07 refunded): finance, while something is held
def _unit_in_fees(request: Any, pk: int) -> Unit:
    unit = sel.unit_get(request.user, pk)
    if not permissions.can_view_fees(request.user):
        raise Http404
    return unit


def _held(unit: Unit) -> list[dict]:
    return [r for r in sel.deposit_summary(unit) if r["held"] > 0]


def _may_take_out(user: Any, unit: Unit) -> bool:
    return permissions.can_finance(user, unit.site_id) and bool(_held(unit))


DEPOSIT = Registry("fees.deposit", get_object=_unit_in_fees, error_status=_page_again, prefix_forms=True,
                   form_kwargs=lambda unit, u: {"held": _held(unit)},
                   page_url=lambda unit: reverse("fees:deposits", args=[unit.pk]))
DEPOSIT.add(Action(
    "deduct", _("Deduct from the deposit (with the reason)"), f.DepositOutForm, _may_take_out,
    run=lambda unit, u, d: svc.deposit_deduct(unit=unit, amount=d["amount"], reason=d["reason"],
                                              reference=d["reference"], actor=u),
    form_kwargs=lambda unit, u: {"reason_required": True}, style="outline-danger",
    message=_("Deduction posted."), error_fields={"more_than_held": "amount"}), url_name="fees:deposits")
DEPOSIT.add(Action(
    "refund", _("Refund the deposit"), f.DepositOutForm, _may_take_out,
    run=lambda unit, u, d: svc.deposit_refund(unit=unit, amount=d["amount"], reason=d["reason"],
                                              reference=d["reference"], actor=u),
    message=_("Refund posted."), error_fields={"more_than_held": "amount"}), url_name="fees:deposits")


# ---- a unit's month billed again after a correction (F-02): finance
UNIT = Registry("fees.unit", get_object=_unit_in_fees, error_status=_page_again,
                page_url=lambda unit: reverse("fees:unit_account", args=[unit.pk]))
UNIT.add(Action(
    "rerun", _("Re-run this unit's bill"), f.UnitRerunForm, lambda u, unit: permissions.can_finance(u, unit.site_id),
    run=lambda unit, u, d: svc.bill_rerun_unit(unit=unit, period=d["month"], actor=u), style="outline-secondary",
    message=lambda unit, d, bill: gettext("The unit's bill for %(m)s is up to date.") % {"m": f"{d['month']:%Y-%m}"}),
    url_name="fees:unit_rerun")


# ---- a bank collection batch (F-05): finance imports the bank's result; the report shows once on its page
def _bank_batch(request: Any, pk: int) -> BankBatch:
    return get_object_or_404(sel.bank_batch_list_visible_to(request.user), pk=pk)


def _report_key(batch: BankBatch) -> str:
    return f"fees.bank_report.{batch.pk}"


def bank_report_pop(request: Any, batch: BankBatch) -> list[dict] | None:
    """The report of the import just done on this batch (once: a reload shows the lines only)."""
    return request.session.pop(_report_key(batch), None)


def _keep_report(request: Any, batch: BankBatch, report: list) -> str:
    request.session[_report_key(batch)] = [asdict(r) for r in report]
    return BANK_BATCH.page_of(batch)


def _imported(batch: BankBatch, data: dict, report: list) -> str:
    outcomes = Counter(r.outcome for r in report)
    return gettext("The bank's result is imported: %(collected)s collected, %(failed)s failed, "
                   "%(other)s rows not taken (see below).") % {
        "collected": outcomes["collected"], "failed": outcomes["failed"],
        "other": len(report) - outcomes["collected"] - outcomes["failed"]}


BANK_BATCH = Registry("fees.bank_batch", get_object=_bank_batch, error_status=_page_again,
                      page_url=lambda b: reverse("fees:bank_batch_detail", args=[b.pk]))
BANK_BATCH.add(Action(
    "import", _("Import the bank's result"), f.BankResultForm, lambda u, b: permissions.can_finance(u, b.site_id),
    run=lambda b, u, d: svc.bank_result_import(batch=b, rows=d["rows"], actor=u),
    message=_imported, next=_keep_report), url_name="fees:bank_batch_detail")
