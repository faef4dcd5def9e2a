"""Key custody (SPEC §6, K-01..K-07): cabinet, deposits, seals, uses, reconciliation, incidents.

Transitions change fields only; services add the lock, the dual-control checks, the history row
and the clocks (STYLE §2, §3).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, EventBase

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


class KeyUse(BaseModel):
    # Translators: one line of the use register 钥匙使用登记
    """A use of a deposited key (K-03..K-06)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")  # in the use register, waiting for both heads
        APPROVED = "approved", _("Approved")  # both approvals given
        OUT = "out", _("Key out")  # taken out by two people (K-04)
        RETURNED = "returned", _("Returned and resealed")  # K-06, final
        CANCELLED = "cancelled", _("Cancelled")  # final, with a reason

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    deposit = models.ForeignKey(KeyDeposit, verbose_name=_("key"), on_delete=models.PROTECT, related_name="uses")
    purpose = models.CharField(_("purpose"), max_length=200)
    # the repair order this use serves (tickets.WorkOrder number, T-02)
    work_order_number = models.CharField(_("work order number"), max_length=20, blank=True)
    work_order = models.ForeignKey("tickets.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="key_uses")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                  on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    planned_out = models.DateTimeField(_("planned out"))
    planned_return = models.DateTimeField(_("planned return"))
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED, protected=True)
    # K-04: two people together
    taken_out_at = models.DateTimeField(_("taken out"), null=True, blank=True)
    handed_out_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed out by (custodian)"),
                                      null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    property_staff = models.ForeignKey("estates.Staff", verbose_name=_("property assistant"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    security_staff = models.ForeignKey("estates.Staff", verbose_name=_("security officer"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    contractor_lead = models.CharField(_("contractor's lead"), max_length=60, blank=True)
    # 使用客户托管钥匙入室登记表: signed on paper, names recorded afterwards
    entry_signed_on_paper = models.BooleanField(_("entry record signed on paper"), default=False)
    entry_security_signer = models.CharField(_("signed for security"), max_length=60, blank=True)
    entry_property_signer = models.CharField(_("signed for property"), max_length=60, blank=True)
    entry_contractor_signer = models.CharField(_("signed by the contractor's lead"), max_length=60, blank=True)
    # issue 15.8: either the paper record's scan with the recorder named, or each signature given in the
    # system — the property assistant and the security officer in their own login, the contractor's lead
    # drawing it on the screen of one of them
    entry_scan = models.FileField(_("scan of the signed entry record"), upload_to="keys/entry/%Y/%m/", blank=True)
    entry_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paper record entered by"),
                                          null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entry_security_signed_at = models.DateTimeField(_("security signed in the system"), null=True, blank=True)
    entry_property_signed_at = models.DateTimeField(_("property signed in the system"), null=True, blank=True)
    entry_contractor_signature = models.TextField(_("contractor's lead's drawn signature"), blank=True)
    # K-06
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue alert"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the site director"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason cancelled"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("key use")
        verbose_name_plural = _("key uses")
        indexes = [models.Index(fields=["site", "status"], name="key_use_site_status")]

    def __str__(self) -> str:
        return f"{self.deposit.unit.code} · {self.purpose}"

    def get_absolute_url(self) -> str:
        return reverse("keys:use_detail", args=[self.pk])

    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=Status.APPROVED, target=Status.OUT)
    def take_out(self, *, at, by, property_staff, security_staff, contractor_lead: str) -> None:
        self.taken_out_at = at
        self.handed_out_by = by
        self.property_staff = property_staff
        self.security_staff = security_staff
        self.contractor_lead = contractor_lead

    @property
    def entry_signed(self) -> bool:
        """SPEC K-04: the entry record carries all three signatures (paper with its scan, or in the system)."""
        names = all((self.entry_security_signer, self.entry_property_signer, self.entry_contractor_signer))
        if self.entry_signed_on_paper:
            return names and bool(self.entry_scan)
        return names and bool(self.entry_security_signed_at and self.entry_property_signed_at
                              and self.entry_contractor_signature)

    @transition(field=status, source=Status.OUT, target=Status.RETURNED)
    def return_key(self, *, at) -> None:
        self.returned_at = at

    @transition(field=status, source=[Status.REQUESTED, Status.APPROVED], target=Status.CANCELLED)
    def cancel(self, *, reason: str) -> None:
        self.cancel_reason = reason


class KeyApproval(models.Model):
    """One signature of dual control (K-01 deposit, K-03 use): who approved as what, when."""

    class Kind(models.TextChoices):
        DEPOSIT_PROPERTY = "deposit_property", _("Deposit: property manager")
        DEPOSIT_SECURITY = "deposit_security", _("Deposit: security supervisor")
        USE_PROPERTY = "use_property", _("Use: property head")
        USE_SECURITY = "use_security", _("Use: security head")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    deposit = models.ForeignKey(KeyDeposit, verbose_name=_("key"), on_delete=models.PROTECT,
                                related_name="approvals")
    use = models.ForeignKey(KeyUse, verbose_name=_("use"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="approvals")
    kind = models.CharField(_("approved as"), max_length=20, choices=Kind.choices)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                 on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("key approval")
        verbose_name_plural = _("key approvals")
        constraints = [
            models.UniqueConstraint(fields=["deposit", "kind"], condition=Q(use__isnull=True),
                                    name="key_deposit_approval_once"),
            models.UniqueConstraint(fields=["use", "kind"], condition=Q(use__isnull=False),
                                    name="key_use_approval_once"),
            # dual control in the database too: one person cannot sign both approvals
            models.UniqueConstraint(fields=["deposit", "approver"], condition=Q(use__isnull=True),
                                    name="key_deposit_approver_once"),
            models.UniqueConstraint(fields=["use", "approver"], condition=Q(use__isnull=False),
                                    name="key_use_approver_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.approver}"


class SealRecord(models.Model):
    # Translators: one line of the seal register 封存钥匙登记表
    """A seal put on a key envelope. A seal number is never used twice at a site (K-06)."""

    class Reason(models.TextChoices):
        INITIAL = "initial", _("Initial sealing")
        RESEAL = "reseal", _("Resealed after use")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    seal_number = models.CharField(_("seal number"), max_length=40)
    deposit = models.ForeignKey(KeyDeposit, verbose_name=_("key"), on_delete=models.PROTECT, related_name="seals")
    use = models.ForeignKey(KeyUse, verbose_name=_("after use"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    sealed_at = models.DateTimeField(_("sealed"))
    sealed_by = models.ForeignKey("estates.Staff", verbose_name=_("sealed by"), on_delete=models.PROTECT,
                                  related_name="+")
    sealed_with = models.ForeignKey("estates.Staff", verbose_name=_("sealed jointly with"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    broken_at = models.DateTimeField(_("opened"), null=True, blank=True)
    broken_note = models.CharField(_("why opened"), max_length=200, blank=True)

    class Meta:
        ordering = ["-sealed_at", "-id"]
        verbose_name = _("seal record")
        verbose_name_plural = _("seal register")
        constraints = [models.UniqueConstraint(fields=["site", "seal_number"], name="key_seal_number_once_per_site")]

    def __str__(self) -> str:
        return self.seal_number


class KeyUseItem(BaseModel):
    """K-05: something moved in the flat during the work, with a photo, and whether it was put back."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    use = models.ForeignKey(KeyUse, verbose_name=_("use"), on_delete=models.PROTECT, related_name="items")
    description = models.CharField(_("item and where it was"), max_length=200)
    photo = models.FileField(_("photo or sketch"), upload_to="keys/items/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    put_back_at = models.DateTimeField(_("put back"), null=True, blank=True)
    put_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("put back confirmed by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("moved item")
        verbose_name_plural = _("moved items")

    def __str__(self) -> str:
        return self.description


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
