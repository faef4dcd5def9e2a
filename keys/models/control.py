"""Reconciliation, incidents and the key history rows (K-07)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel, EventBase
from keys.models.custody import KeyDeposit


class KeyReconciliation(BaseModel):
    """K-02: the weekly check of every deposited key."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField(_("checked"))
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"),
                                     on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("key reconciliation")
        verbose_name_plural = _("key reconciliations")

    def __str__(self) -> str:
        return f"{self.performed_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("keys:reconciliation_detail", args=[self.pk])


class KeyReconciliationLine(models.Model):
    reconciliation = models.ForeignKey(KeyReconciliation, verbose_name=_("reconciliation"),
                                       on_delete=models.PROTECT, related_name="lines")
    deposit = models.ForeignKey(KeyDeposit, verbose_name=_("key"), on_delete=models.PROTECT, related_name="+")
    was_out = models.BooleanField(_("out on a registered use"), default=False)
    present = models.BooleanField(_("present"), default=True)
    seal_intact = models.BooleanField(_("seal intact"), default=True)
    seal_number_seen = models.CharField(_("seal number seen"), max_length=40, blank=True)
    seal_number_expected = models.CharField(_("seal number in the ledger"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reconciliation line")
        verbose_name_plural = _("reconciliation lines")

    def __str__(self) -> str:
        return f"{self.reconciliation} · {self.deposit_id}"

    @property
    def seal_matches(self) -> bool:
        return self.was_out or self.seal_number_seen.strip() == self.seal_number_expected

    @property
    def ok(self) -> bool:
        return self.was_out or (self.present and self.seal_intact and self.seal_matches)


class KeyIncident(BaseModel):
    """K-02: a missing key or a broken seal; only the site director closes it, with a finding."""

    class Kind(models.TextChoices):
        MISSING = "missing", _("Key missing")
        SEAL_BROKEN = "seal_broken", _("Seal broken")
        SEAL_MISMATCH = "seal_mismatch", _("Seal number does not match")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for the site director's finding
        CLOSED = "closed", _("Closed")  # closed with a finding

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    deposit = models.ForeignKey(KeyDeposit, verbose_name=_("key"), on_delete=models.PROTECT,
                                related_name="incidents")
    reconciliation = models.ForeignKey(KeyReconciliation, verbose_name=_("reconciliation"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = FSMField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, protected=True)
    opened_at = models.DateTimeField(_("opened"))
    description = models.TextField(_("description"), blank=True)
    finding = models.TextField(_("finding"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("key incident")
        verbose_name_plural = _("key incidents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.deposit.unit.code}"

    def get_absolute_url(self) -> str:
        return reverse("keys:incident_detail", args=[self.pk])

    @transition(field=status, source=Status.OPEN, target=Status.CLOSED)
    def close(self, *, finding: str, at, by) -> None:
        self.finding = finding
        self.closed_at = at
        self.closed_by = by


class KeyEvent(EventBase):
    """The full history of one key (K-07): every approval, hand, seal number and minute out."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        APPROVED = "approved", _("Approved")
        STORED = "stored", _("Sealed and stored")
        USE_REQUESTED = "use_requested", _("Use requested")
        USE_APPROVED = "use_approved", _("Use approved")
        USE_CANCELLED = "use_cancelled", _("Use cancelled")
        TAKEN_OUT = "taken_out", _("Taken out")
        ENTRY_SIGNED = "entry_signed", _("Entry record signed")
        ITEM_MOVED = "item_moved", _("Item moved")
        ITEM_PUT_BACK = "item_put_back", _("Item put back")
        RESEALED = "resealed", _("Resealed and put back")
        OVERDUE = "overdue", _("Out past the planned return")
        ESCALATED = "escalated", _("Not back by end of day: escalated")
        RECONCILED = "reconciled", _("Checked in reconciliation")
        INCIDENT_OPENED = "incident_opened", _("Incident opened")
        INCIDENT_CLOSED = "incident_closed", _("Incident closed")
        RETURNED = "returned", _("Returned to the resident")
        CANCELLED = "cancelled", _("Cancelled")

    subject_field = "deposit"
    deposit = models.ForeignKey(KeyDeposit, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("key event")
        verbose_name_plural = _("key events")
