"""What a completion records — materials and charges, voided not deleted (X-01) — and extensions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import numbers
from tickets.models.catalog import PriceItem
from tickets.models.orders import WorkOrder


class CurrentManager(models.Manager):
    """SPEC X-01: the rows of the completion now in force; a completion re-entered after rework voids the
    earlier rows instead of deleting them (`all_objects` reads them as history)."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(voided_at__isnull=True)


class VoidableRow(models.Model):
    """X-01: voided (when, why), never deleted."""

    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason voided"), max_length=200, blank=True)

    objects = CurrentManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager: the voided rows too, as history)

    class Meta:
        abstract = True


class Material(VoidableRow):
    """T-07: materials used (name, quantity); `charged` ones go on the receipt."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=80)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2,
                                   validators=numbers.QUANTITY.validators())
    unit = models.CharField(_("unit of measure"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [numbers.QUANTITY.constraint("quantity", "material_quantity_bounds")]  # issue 13.3

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"


class Charge(VoidableRow):
    """T-07 paid-service item (from the price list), material or labour charge; totalled in T-13."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Paid service")
        MATERIAL = "material", _("Material")
        LABOUR = "labour", _("Labour")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SERVICE)
    price_item = models.ForeignKey(PriceItem, verbose_name=_("price list item"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal("1"),
                                   validators=numbers.QUANTITY.validators())
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2,
                                     validators=numbers.PRICE.validators())
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=numbers.AMOUNT.validators())

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        constraints = [numbers.QUANTITY.constraint("quantity", "charge_quantity_bounds"),  # issue 13.3
                       numbers.PRICE.constraint("unit_price", "charge_unit_price_bounds"),
                       numbers.AMOUNT.constraint("amount", "charge_amount_bounds")]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"


class Extension(models.Model):
    """T-05: who, when, why and the new deadline."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="extensions")
    at = models.DateTimeField(_("at"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    old_due_at = models.DateTimeField(_("old deadline"), null=True)
    new_due_at = models.DateTimeField(_("new deadline"))
    head_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service-center head"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    director_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("site director"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="+")
    resident_consent = models.BooleanField(_("resident consents"), default=False)
    resident_consent_note = models.CharField(_("how the resident consented"), max_length=200, blank=True)
    resident_caused = models.BooleanField(_("delay caused by the resident"), default=False)

    class Meta:
        ordering = ["at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.order_id} → {self.new_due_at:%Y-%m-%d %H:%M}"
