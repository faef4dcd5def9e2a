"""The cabinet, its slots and the keys deposited in custody (K-01..K-03)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel

MAX_KEYS = 50  # keys in one deposit (the form's limit)


class KeyCabinet(BaseModel):
    """A key cabinet of a site; only its designated custodian stores and retrieves keys (K-01)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="key_cabinets")
    name = models.CharField(_("name"), max_length=60)
    location = models.CharField(_("location"), max_length=120, blank=True)
    custodian = models.ForeignKey("estates.Staff", verbose_name=_("designated custodian"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="key_cabinets")
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("key cabinet")
        verbose_name_plural = _("key cabinets")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="key_cabinet_name_per_site")]

    def __str__(self) -> str:
        return self.name


class KeySlot(BaseModel):
    """A numbered slot of a cabinet. It holds at most one key (constraint on KeyDeposit)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    cabinet = models.ForeignKey(KeyCabinet, verbose_name=_("cabinet"), on_delete=models.PROTECT,
                                related_name="slots")
    number = models.PositiveIntegerField(_("slot number"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["cabinet", "number"]
        verbose_name = _("cabinet slot")
        verbose_name_plural = _("cabinet slots")
        constraints = [models.UniqueConstraint(fields=["cabinet", "number"], name="key_slot_number_per_cabinet")]

    def __str__(self) -> str:
        return f"{self.cabinet.name} #{self.number:03d}"


class KeyDeposit(BaseModel):
    # Translators: the ledger 钥匙托管表 lists these
    """One deposited key (or bunch of keys) of a unit (K-01)."""

    class Reason(models.TextChoices):
        RESIDENT_REQUEST = "resident", _("Resident's request")  # 业主委托
        DEVELOPER_HANDOVER = "developer", _("Developer handover")  # 开发商移交

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")  # registered, waiting for both approvals
        APPROVED = "approved", _("Approved")  # both approvals given, not yet sealed and stored
        STORED = "stored", _("In the cabinet")  # sealed, in its slot
        OUT = "out", _("Taken out")  # out for a use (K-04)
        RETURNED = "returned", _("Returned to the resident")  # K-07, final
        CANCELLED = "cancelled", _("Cancelled")  # final, with a reason

    IN_CUSTODY = (Status.STORED, Status.OUT)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="key_deposits")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="key_deposits")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="key_deposits")
    depositor_name = models.CharField(_("handed over by"), max_length=60, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    key_description = models.CharField(_("keys"), max_length=200)
    key_count = models.PositiveSmallIntegerField(_("number of keys"), default=1,
                                                 validators=[MinValueValidator(1), MaxValueValidator(MAX_KEYS)])
    note = models.TextField(_("note"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"))
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, protected=True)
    slot = models.ForeignKey(KeySlot, verbose_name=_("slot"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="deposits")
    seal_number = models.CharField(_("current seal number"), max_length=40, blank=True)
    stored_at = models.DateTimeField(_("stored"), null=True, blank=True)
    # K-07 return against signature
    returned_at = models.DateTimeField(_("returned to the resident"), null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("returned by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("received by (signature)"), max_length=60, blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    signature = models.TextField(_("drawn signature"), blank=True)  # PNG data URI from the signature pad
    cancel_reason = models.TextField(_("reason cancelled"), blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("key deposit")
        verbose_name_plural = _("key deposits")
        constraints = [
            # a slot holds at most one key (K-01); a key out keeps its slot
            models.UniqueConstraint(fields=["slot"], condition=Q(status__in=["stored", "out"]),
                                    name="key_slot_holds_one_key"),
            # issue 13.3: the form's bounds, backed by the database
            models.CheckConstraint(condition=Q(key_count__gte=1, key_count__lte=MAX_KEYS), name="key_count_bounds"),
        ]
        indexes = [models.Index(fields=["site", "status"], name="key_deposit_site_status")]

    def __str__(self) -> str:
        return f"{self.unit.code} · {self.key_description}"

    def get_absolute_url(self) -> str:
        return reverse("keys:deposit_detail", args=[self.pk])

    # ---- transitions: fields only (STYLE §3)
    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.STORED)
    def store(self, *, slot: KeySlot, seal_number: str, at) -> None:
        self.slot = slot
        self.seal_number = seal_number
        self.stored_at = at

    @transition(field=status, source=Status.STORED, target=Status.OUT)
    def take_out(self) -> None:
        pass

    @transition(field=status, source=Status.OUT, target=Status.STORED)
    def put_back(self, *, seal_number: str) -> None:
        self.seal_number = seal_number

    @transition(field=status, source=Status.STORED, target=Status.RETURNED)
    def return_to_resident(self, *, at, by, signer_name: str, signed_on_paper: bool, signature: str) -> None:
        self.returned_at = at
        self.returned_by = by
        self.signer_name = signer_name
        self.signed_on_paper = signed_on_paper
        self.signature = signature

    @transition(field=status, source=[Status.REQUESTED, Status.APPROVED], target=Status.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.cancel_reason = reason
