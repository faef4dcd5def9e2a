"""The equipment register and the annual maintenance plan (SPEC O-05)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Equipment(BaseModel):
    """设施设备台账 (O-05)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("item"), max_length=100)
    location = models.CharField(_("location"), max_length=100)
    category = models.CharField(_("category"), max_length=40)
    supplier = models.CharField(_("supplier"), max_length=100, blank=True)
    installed_on = models.DateField(_("install date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["site_id", "category", "name"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment register")

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


def _equipment_doc_path(instance, filename: str) -> str:
    return f"equipment/{instance.equipment.site_id}/{filename}"


class EquipmentDocument(BaseModel):
    equipment = models.ForeignKey(Equipment, verbose_name=_("equipment"), on_delete=models.PROTECT,
                                  related_name="documents")
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(_("file"), upload_to=_equipment_doc_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("equipment document")
        verbose_name_plural = _("equipment documents")


class Cadence(models.TextChoices):
    """SPEC O-05 / seed 004 §5B: how often a plan line is due."""

    YEARLY = "yearly", _("Yearly")
    HALF_YEARLY = "half_yearly", _("Every 6 months")
    TWO_YEARS = "two_years", _("Every 2 years")
    THREE_YEARS = "three_years", _("Every 3 years")
    BEFORE_RAINY = "before_rainy", _("Yearly before the rainy season")


class MaintenanceTemplateLine(BaseModel):
    """The company's 房屋年度养护计划 line: item, cadence, responsible department."""

    item = models.CharField(_("item"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    due_month = models.PositiveSmallIntegerField(_("due month"), default=12,
                                                 validators=[MinValueValidator(1), MaxValueValidator(12)])
    department_kind = models.CharField(_("department"), max_length=16, default="engineering")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("maintenance template line")
        verbose_name_plural = _("maintenance template")

    def __str__(self) -> str:
        return self.item


class MaintenancePlan(BaseModel):
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    rainy_season_month = models.PositiveSmallIntegerField(_("rainy season starts in"), default=5,
                                                          validators=[MinValueValidator(2), MaxValueValidator(12)])

    class Meta:
        ordering = ["-year", "site_id"]
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="maintenance_plan_once")]

    def __str__(self) -> str:
        return f"{self.site} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan", args=[self.pk])


class MaintenancePlanLine(BaseModel):
    plan = models.ForeignKey(MaintenancePlan, verbose_name=_("maintenance plan"), on_delete=models.PROTECT,
                             related_name="lines")
    template_line = models.ForeignKey(MaintenanceTemplateLine, verbose_name=_("template line"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("item"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices)
    due_month = models.PositiveSmallIntegerField(_("due month"), default=12,
                                                 validators=[MinValueValidator(1), MaxValueValidator(12)])
    cycle_start_year = models.PositiveSmallIntegerField(_("cycle counted from"), default=2020)
    department_kind = models.CharField(_("department"), max_length=16, default="engineering")
    equipment = models.ForeignKey(Equipment, verbose_name=_("equipment"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="plan_lines")

    class Meta:
        ordering = ["plan_id", "due_month", "id"]
        verbose_name = _("maintenance plan line")
        verbose_name_plural = _("maintenance plan lines")

    def __str__(self) -> str:
        return self.item


class MaintenanceOccurrence(BaseModel):
    """One due occurrence of a plan line; it becomes an internal work order in `tickets` with its clock."""

    line = models.ForeignKey(MaintenancePlanLine, verbose_name=_("plan line"), on_delete=models.PROTECT,
                             related_name="occurrences")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due"))
    work_order = models.ForeignKey("tickets.WorkOrder", verbose_name=_("work order"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("maintenance occurrence")
        verbose_name_plural = _("maintenance occurrences")
        constraints = [models.UniqueConstraint(fields=["line", "due_on"], name="maintenance_occurrence_once")]

    def __str__(self) -> str:
        return f"{self.line.item} · {self.due_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:plan", args=[self.line.plan_id])

