"""Taking a key out and bringing it back (K-04..K-06), the approvals and seals of both."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel
from keys.models.custody import KeyDeposit


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
