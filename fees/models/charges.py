"""What is charged: items, tariffs, the unit's charges, meters and readings, bill runs (F-01)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from fees.models.base import ZERO, money


class ChargeItem(BaseModel):
    # Translators: 收费项目
    """What a unit is charged for (F-01), per site."""

    class Kind(models.TextChoices):
        PER_AREA = "per_area", _("Per m² per month")  # 物业管理费: unit area × price
        PER_SPACE = "per_space", _("Per space per month")  # 车位费: number of spaces × price
        METERED = "metered", _("Metered")  # 水电燃气: consumption × (tiered) price
        FIXED = "fixed", _("Fixed per month")  # e.g. 垃圾清运费
        SERVICE = "service", _("Paid service")  # 有偿服务 (T-07, F-06)
        DEPOSIT = "deposit", _("Deposit")  # 装修押金
        OTHER = "other", _("Other")

    class Meter(models.TextChoices):
        WATER = "water", _("Water")
        ELECTRICITY = "electricity", _("Electricity")
        GAS = "gas", _("Gas")

    MONTHLY_KINDS = (Kind.PER_AREA, Kind.PER_SPACE, Kind.METERED, Kind.FIXED)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="charge_items")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    meter_kind = models.CharField(_("meter"), max_length=12, choices=Meter.choices, blank=True)
    unit_label = models.CharField(_("unit of charge"), max_length=10, blank=True)  # m², 个, 吨, 度, m³
    applies_to_all = models.BooleanField(_("charged to every occupied unit"), default=False)
    bank_collectable = models.BooleanField(_("collected by bank"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["site", "sort", "code"]
        verbose_name = _("charge item")
        verbose_name_plural = _("charge items")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="fees_item_code_per_site")]

    def __str__(self) -> str:
        return self.name


class Tariff(BaseModel):
    """The price of an item from a date on; a new price is a new row, so old bills never change (F-01)."""

    item = models.ForeignKey(ChargeItem, verbose_name=_("charge item"), on_delete=models.PROTECT,
                             related_name="tariffs")
    effective_from = models.DateField(_("effective from"))
    price = money(_("unit price"))
    # tiered metered prices: [[up_to_quantity or null, price], ...] in increasing order (阶梯价)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)

    class Meta:
        ordering = ["item", "-effective_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [models.UniqueConstraint(fields=["item", "effective_from"], name="fees_tariff_once_per_day"),
                       models.CheckConstraint(condition=Q(price__gte=0), name="fees_tariff_price_positive")]

    def __str__(self) -> str:
        return f"{self.item} {self.price} ({self.effective_from})"


class UnitCharge(BaseModel):
    """An item a unit is subscribed to (parking spaces, meters…), with its quantity (F-01)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="fee_items")
    item = models.ForeignKey(ChargeItem, verbose_name=_("charge item"), on_delete=models.PROTECT,
                             related_name="subscriptions")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal("1"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit charge item")
        verbose_name_plural = _("unit charge items")
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="fees_unit_item_once"),
                       models.CheckConstraint(condition=Q(quantity__gte=0), name="fees_unit_item_qty_positive")]


class Meter(BaseModel):
    """A water, electricity or gas meter of a unit, or a common-area meter of a building (F-04)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="meters")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="meters")
    building = models.ForeignKey("estates.Building", verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="meters")
    kind = models.CharField(_("meter"), max_length=12, choices=ChargeItem.Meter.choices)
    number = models.CharField(_("meter number"), max_length=30)
    label = models.CharField(_("common area"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site", "building", "number"]
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="fees_meter_number_per_site")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class MeterReading(models.Model):
    """The month's reading of a meter (F-04). A lower reading is refused; an unusual jump is flagged."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    meter = models.ForeignKey(Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings")
    period = models.DateField(_("month"))  # first day of the month
    reading = models.DecimalField(_("reading"), max_digits=12, decimal_places=2)
    consumption = models.DecimalField(_("consumption"), max_digits=12, decimal_places=2, default=ZERO)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("reason flagged"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["meter", "-period"]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        constraints = [models.UniqueConstraint(fields=["meter", "period"], name="fees_reading_once_per_month"),
                       models.CheckConstraint(condition=Q(reading__gte=0, consumption__gte=0),
                                              name="fees_reading_positive")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.reading}"


class BillRun(BaseModel):
    """A monthly bill run of a site, done by the worker with progress (F-02)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")  # a re-run for one unit
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_units = models.PositiveIntegerField(_("units"), default=0)
    done_units = models.PositiveIntegerField(_("units done"), default=0)
    bills_created = models.PositiveIntegerField(_("bills issued"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")

    @property
    def percent(self) -> int:
        return 100 if not self.total_units else int(100 * self.done_units / self.total_units)
