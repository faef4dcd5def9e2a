"""The categories of work and the price list (SPEC T-02, T-07)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import numbers
from core.models import BaseModel
from estates.models import Department


class CompletionPolicy(models.TextChoices):
    """SPEC T-04: which clock of core/policies.py runs for an order of a category."""

    URGENT = "ticket.urgent.complete", _("24 hours")
    URGENT_WD = "ticket.urgent.complete.wd", _("24 hours (working day)")
    CLEANING = "ticket.cleaning.complete", _("Same day or as agreed (move-in cleaning)")
    NORMAL = "ticket.normal.complete", _("3 working days")
    SUPERVISOR = "ticket.supervisor.complete", _("Set by the department supervisor")
    AGREEMENT = "ticket.agreement.complete", _("Per signed agreement")


class FollowupPolicy(models.TextChoices):
    """SPEC T-10: weekly for engineering, every 3 days for property-management orders."""

    ENGINEERING = "ticket.followup.engineering", _("Weekly (engineering)")
    PROPERTY = "ticket.followup.property", _("Every 3 days (property management)")


class Category(BaseModel):
    # Translators: 报修类别
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    department_kind = models.CharField(_("department"), max_length=16, choices=Department.Kind.choices)
    completion_policy = models.CharField(_("completion deadline"), max_length=40,
                                         choices=CompletionPolicy.choices, default=CompletionPolicy.NORMAL)
    followup_policy = models.CharField(_("follow-up"), max_length=40, choices=FollowupPolicy.choices,
                                       default=FollowupPolicy.ENGINEERING)
    is_emergency = models.BooleanField(_("emergency"), default=False,
                                       help_text=_("SPEC T-03: dispatch within 3 minutes."))
    is_paid = models.BooleanField(_("paid service"), default=False)
    needs_agreement = models.BooleanField(_("needs a signed agreement"), default=False)
    is_internal = models.BooleanField(_("internal (supervisor sets the deadline)"), default=False)
    is_contractor = models.BooleanField(_("special contractor"), default=False)  # SPEC T-12
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=100)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def status_report_required(self) -> bool:
        """SPEC T-14: order/security and cleaning orders report status within 3 working days."""
        return self.department_kind in (Department.Kind.SECURITY, Department.Kind.CLEANING)


class PriceItem(BaseModel):
    """有偿服务价目表 (SPEC T-07). `site` empty = company price list."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("service"), max_length=80)
    unit = models.CharField(_("unit of charge"), max_length=20, default="次")
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, validators=numbers.PRICE.validators())
    department_kind = models.CharField(_("department"), max_length=16, choices=Department.Kind.choices,
                                       default=Department.Kind.ENGINEERING)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department_kind", "name"]
        verbose_name = _("paid-service price")
        verbose_name_plural = _("paid-service price list")
        constraints = [numbers.PRICE.constraint("price", "priceitem_price_bounds")]  # issue 13.3

    def __str__(self) -> str:
        return f"{self.name} ¥{self.price}/{self.unit}"
