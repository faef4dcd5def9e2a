"""Reminders, bank collection, the arrears summaries and the notice emails (F-05, F-06)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from fees.models.base import money
from fees.models.bills import Bill


class Reminder(BaseModel):
    # Translators: 催缴
    """A reminder task for the zone staff about a unit in arrears, with a deadline (F-03)."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Open")
        PROMISED = "promised", _("Promised to pay")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")
        UNREACHABLE = "unreachable", _("Not reached")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="fee_reminders")
    assigned_to = models.ForeignKey("estates.Staff", verbose_name=_("assigned to"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="fee_reminders")
    amount = money(_("amount owed"))
    oldest_period = models.DateField(_("owed since"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("note"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [models.UniqueConstraint(fields=["unit"], condition=Q(outcome=""),
                                               name="fees_one_open_reminder")]

    def get_absolute_url(self) -> str:
        return reverse("fees:reminder_detail", args=[self.pk])


class BankAccount(BaseModel):
    """The bank account a unit's charges are collected from (托收协议, F-05)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.OneToOneField("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                                related_name="bank_account")
    bank = models.CharField(_("bank"), max_length=30)
    account_no = models.CharField(_("account number"), max_length=40)
    holder = models.CharField(_("account holder"), max_length=60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("collection account")
        verbose_name_plural = _("collection accounts")


class BankBatch(BaseModel):
    """One month's collection file for one bank (F-05)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("bank"), max_length=30)
    period = models.DateField(_("month"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bank collection batch")
        verbose_name_plural = _("bank collection batches")


class BankLine(models.Model):
    """One bill line of a collection file; the bank's result is recorded once (idempotent import)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the bank")
        COLLECTED = "collected", _("Collected")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(BankBatch, on_delete=models.PROTECT, related_name="lines")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="bank_lines")
    account_no = models.CharField(_("account number"), max_length=40)
    holder = models.CharField(_("account holder"), max_length=60)
    amount = money(_("amount"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    reason = models.CharField(_("bank's reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.account_no} {self.amount}"


class ArrearsUnit(models.Model):
    """What a unit owes on its open bills and how many there are (kept by the triggers on bills)."""

    unit = models.OneToOneField("estates.Unit", primary_key=True, on_delete=models.DO_NOTHING, related_name="+")
    site = models.ForeignKey("estates.Site", on_delete=models.DO_NOTHING, related_name="+")
    owed = money(_("owed"))
    bills = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["site", "-owed", "unit"], name="fees_arrears_unit_owed")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.owed}"


class ArrearsCell(models.Model):
    """What is owed on open bills of one building for one month (kept by the triggers on bills): the
    aging per building, zone and site sums a few thousand of these instead of every open bill."""

    site = models.ForeignKey("estates.Site", on_delete=models.DO_NOTHING, related_name="+")
    building = models.ForeignKey("estates.Building", on_delete=models.DO_NOTHING, related_name="+")
    period = models.DateField()
    owed = money(_("owed"))
    bills = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["building", "period"], name="fees_arrears_cell_once")]
        indexes = [models.Index(fields=["site", "period"], name="fees_arrears_cell_site")]

    def __str__(self) -> str:
        return f"{self.building_id} {self.period:%Y-%m}: {self.owed}"


class NoticeEmail(models.Model):
    """A payment notice (收费通知单) of one bill sent by email to the household, as an outbox row (F-02):
    sent by core/mail.py's claim-send-mark with a Message-ID from its id, the PDF attached, retried on the
    notification backoff through an SMTP outage; one row per bill."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    bill = models.OneToOneField(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="notice_email")
    to = models.JSONField(_("recipients"), default=list)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                   related_name="+")
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_error = models.CharField(_("error"), max_length=300, blank=True)
    email_next_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("email claimed"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("email failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment notice email")
        verbose_name_plural = _("payment notice emails")
        indexes = [models.Index(fields=["created_at"], name="fees_notice_email_pending",
                                condition=Q(email_sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.bill_id} → {', '.join(self.to)}"
