"""The capability referral of a request the site cannot do itself (SPEC T-17)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel
from tickets.models.catalog import Category
from tickets.models.orders import WorkOrder


class CapabilityReferral(FSMModelMixin, BaseModel):
    """SPEC T-17: a request the front desk cannot confirm the center can fulfil, referred to the
    service-center head, who accepts it (it becomes a work order) or declines it with the reason told
    to the resident, in his own login (T-18); clock `ticket.capability` (same working day)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the head's decision")  # 待主任助理确认
        ACCEPTED = "accepted", _("Accepted: a work order")  # 已受理, became an order
        DECLINED = "declined", _("Declined")  # 不受理, reason told to the resident

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("location"), max_length=120, blank=True)
    reporter_name = models.CharField(_("reported by"), max_length=60, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=WorkOrder.Channel.choices,
                               default=WorkOrder.Channel.PHONE)
    category = models.ForeignKey(Category, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("content"))
    question = models.CharField(_("what the front desk cannot confirm"), max_length=300, blank=True)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, protected=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("referred by"),
                                    on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(_("referred"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.TextField(_("reason declined"), blank=True)
    told_resident = models.TextField(_("how the resident was told"), blank=True)
    order = models.OneToOneField(WorkOrder, verbose_name=_("work order"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="referral")
    # SPEC T-18: the head's decision signed on paper — the scan attached, the recorder named
    on_paper = models.BooleanField(_("decided on paper"), default=False)
    paper_scan = models.FileField(_("scan of the signed decision"), upload_to="tickets/referrals/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("capability check")
        verbose_name_plural = _("capability checks")
        indexes = [models.Index(fields=["site", "status", "-referred_at"], name="referral_site_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.content[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("tickets:referral_detail", args=[self.pk])

    @property
    def place(self) -> str:
        if self.unit_id:
            return f"{self.unit.code} {self.location}".strip()
        return self.location

    @transition(field=status, source=Status.PENDING, target=Status.ACCEPTED)
    def accept(self, *, by, at, order) -> None:
        self.decided_by, self.decided_at, self.order = by, at, order

    @transition(field=status, source=Status.PENDING, target=Status.DECLINED)
    def decline(self, *, by, at, reason, told) -> None:
        self.decided_by, self.decided_at = by, at
        self.decline_reason, self.told_resident = reason, told
