"""Payments, allocations, receipts, the append-only ledger, reversals and deposits (F-02, F-04)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fees.models.base import _append_only, money
from fees.models.bills import Bill


class Payment(models.Model):
    # Translators: 收款
    """Money received (F-02). Never changed: a mistake is a Reversal (trigger-enforced)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        BANK_COLLECTION = "bank", _("Bank collection")  # 银行托收 (F-05)
        MOBILE = "mobile", _("Mobile payment")  # 微信 / 支付宝

    class Purpose(models.TextChoices):
        CHARGES = "charges", _("Charges")
        DEPOSIT = "deposit", _("Deposit")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="payments")
    amount = money(_("amount"))
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    purpose = models.CharField(_("for"), max_length=10, choices=Purpose.choices, default=Purpose.CHARGES)
    payer = models.CharField(_("paid by"), max_length=60, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    on_delete=models.PROTECT, related_name="+")
    bank_line = models.OneToOneField("BankLine", verbose_name=_("bank collection line"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="payment")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_payment_positive")]
        indexes = [models.Index(fields=["unit", "-received_at"], name="fees_payment_unit")]
        triggers = _append_only("fees_payment")

    def __str__(self) -> str:
        return f"{self.unit} {self.amount}"


class Allocation(models.Model):
    """How much of a payment settles which bill; negative when a reversal or a re-run takes it back."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = money(_("amount"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["id"]
        triggers = _append_only("fees_allocation")

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.bill_id}: {self.amount}"


class Receipt(models.Model):
    # Translators: 收据
    """The receipt of a payment, numbered without gaps per site and year (F-02)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), on_delete=models.PROTECT,
                                   related_name="receipt")
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number"))
    number = models.CharField(_("receipt number"), max_length=24)
    amount = money(_("amount"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["site", "year", "seq"], name="fees_receipt_number_once")]
        triggers = _append_only("fees_receipt")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("fees:receipt_pdf", args=[self.pk])


class LedgerEntry(models.Model):
    """One posted movement of a unit's account. Receivable: + the unit owes more, − it paid (balance =
    sum). Deposit: + held, − deducted or refunded. Never changed (trigger)."""

    class Account(models.TextChoices):
        RECEIVABLE = "receivable", _("Charges")
        DEPOSIT = "deposit", _("Deposit")

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        CHARGE_VOID = "charge_void", _("Bill replaced")
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")
        DEPOSIT_TAKEN = "deposit_taken", _("Deposit taken")
        DEPOSIT_DEDUCTED = "deposit_deducted", _("Deposit deducted")
        DEPOSIT_REFUNDED = "deposit_refunded", _("Deposit refunded")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="ledger")
    account = models.CharField(_("account"), max_length=10, choices=Account.choices, default=Account.RECEIVABLE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money(_("amount"))
    at = models.DateTimeField(_("at"))
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reverses = models.ForeignKey("self", verbose_name=_("reverses"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reversed_by")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["unit", "account", "at"], name="fees_ledger_unit_at")]
        triggers = _append_only("fees_ledger")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.amount}"


class Reversal(models.Model):
    """A correction of a posted payment by a counter-entry, with reason and approver (F-02, T-18)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT,
                                related_name="reversals")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="reversal")
    amount = money(_("amount"))
    reason = models.CharField(_("reason"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_reversal_positive")]
        triggers = _append_only("fees_reversal")

    def __str__(self) -> str:
        return f"{self.payment_id} −{self.amount}"


class DepositMovement(models.Model):
    """A deposit taken, deducted (with reason) or refunded; a refund never exceeds what is held (R-07)."""

    class Kind(models.TextChoices):
        TAKEN = "taken", _("Taken")
        DEDUCTED = "deducted", _("Deducted")
        REFUNDED = "refunded", _("Refunded")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="deposit_movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = money(_("amount"))
    purpose = models.CharField(_("deposit for"), max_length=60, default="renovation")  # e.g. renovation
    reference = models.CharField(_("reference"), max_length=60, blank=True)  # e.g. the renovation permit
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="deposit")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="deposit_movement")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("deposit movement")
        verbose_name_plural = _("deposit movements")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_deposit_positive")]
        triggers = _append_only("fees_deposit")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.amount}"
