"""Checklists, inspections, rectifications and the cadence duties (SPEC A-01, A-04)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Area(models.TextChoices):
    """The areas a checklist covers (SPEC A-04)."""

    CUSTOMER_SERVICE = "cs", _("Customer service")  # 客服
    CLEANING = "cleaning", _("Cleaning")  # 保洁
    GREENING = "greening", _("Greening")  # 绿化
    SECURITY = "security", _("Order and security")  # 秩序维护
    ENGINEERING = "engineering", _("Repairs")  # 维修


class Kind(models.TextChoices):
    """Who inspects and how often (SPEC A-01, A-04)."""

    ZONE_MANAGER = "zone_manager", _("Zone manager, daily")  # 片区管理员日检
    ZONE_TEAM = "zone_team", _("Zone team, weekly")  # 片区小组周检
    CS_ZONE = "cs_zone", _("CS supervisor, each zone weekly")  # 客服主管片区周检
    CS_SUPERVISORS = "cs_supervisors", _("CS supervisor, the supervisors' work weekly")  # 客服主管检查各专业主管
    DEPARTMENT = "dept", _("Department supervisor, daily")  # 专业主管日检
    COMPANY = "company", _("Company, monthly")  # 公司物业部月检
    COMPANY_ADHOC = "company_adhoc", _("Company, ad hoc")  # 公司不定期抽查


ZONE_KINDS = (Kind.ZONE_MANAGER, Kind.ZONE_TEAM, Kind.CS_ZONE)
# the public-area inspection result of a zone comes from inspections by others than the zone team.
RANKING_KINDS = (Kind.CS_ZONE, Kind.COMPANY, Kind.COMPANY_ADHOC)


class ChecklistTemplate(BaseModel):
    """巡检考核表: company-defined items per area."""

    name = models.CharField(_("name"), max_length=80)
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")

    def __str__(self) -> str:
        return self.name


class ChecklistItem(BaseModel):
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist template"), on_delete=models.PROTECT,
                                 related_name="items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))])
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0, validators=[MaxValueValidator(100)])
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=10,
                                                 validators=[MinValueValidator(1), MaxValueValidator(100)])

    class Meta:
        ordering = ["template_id", "position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [models.CheckConstraint(condition=models.Q(min_score__lt=models.F("max_score")),
                                              name="checklist_item_score_range")]

    def __str__(self) -> str:
        return self.text


def _photo_path(instance, filename: str) -> str:
    return f"inspections/{instance.inspection.site_id}/{filename}"


class Inspection(BaseModel):
    """One inspection (巡检记录): who, when, where, each item pass/fail with a score."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="inspections")
    number = models.CharField(_("number"), max_length=30)
    kind = models.CharField(_("inspection"), max_length=16, choices=Kind.choices)
    template = models.ForeignKey(ChecklistTemplate, verbose_name=_("checklist template"), on_delete=models.PROTECT,
                                 related_name="inspections")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="inspections")
    building = models.ForeignKey("estates.Building", verbose_name=_("building"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="inspections")
    department = models.ForeignKey("estates.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspections")
    place = models.CharField(_("area inspected"), max_length=100, blank=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT,
                                  related_name="inspections")
    inspected_at = models.DateTimeField(_("inspected at"), db_index=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, default=Decimal("0"))
    failed_count = models.PositiveSmallIntegerField(_("failed items"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-inspected_at", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["site", "zone", "inspected_at"], name="insp_site_zone_at")]
        # numbers are per site (core numbering: gapless per site, series and month)
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="inspection_number_per_site")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("inspections:detail", args=[self.pk])


class InspectionResult(BaseModel):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.CharField(_("finding"), max_length=300, blank=True)

    class Meta:
        ordering = ["inspection_id", "item__position", "id"]
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="insp_result_item_once")]


class InspectionPhoto(BaseModel):
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="photos")
    result = models.ForeignKey(InspectionResult, verbose_name=_("item"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("photo"), upload_to=_photo_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")


class Rectification(BaseModel):
    """整改: a failed item, with an owner and a deadline, closed only after someone else verified it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Reported done, awaiting verification")
        VERIFIED = "verified", _("Verified and closed")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="rectifications")
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT,
                                   related_name="rectifications")
    result = models.OneToOneField(InspectionResult, verbose_name=_("item"), on_delete=models.PROTECT,
                                  related_name="rectification")
    description = models.CharField(_("what to put right"), max_length=300)
    owner = models.ForeignKey("estates.Staff", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="rectifications")
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    done_at = models.DateTimeField(_("reported done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported done by"), null=True,
                                blank=True, on_delete=models.PROTECT, related_name="+")
    done_note = models.TextField(_("what was done"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    verify_note = models.TextField(_("verification note"), blank=True)
    reopened = models.PositiveSmallIntegerField(_("times sent back"), default=0)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return f"{self.inspection.number} · {self.description[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:rectification", args=[self.pk])


class InspectionDuty(BaseModel):
    """One cadence duty (A-01, A-04): an inspection of `kind` owed for the period; its clock breaches once."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("inspection"), max_length=16, choices=Kind.choices)
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("estates.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    key = models.CharField(max_length=80, unique=True)
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    missed = models.BooleanField(_("missed"), default=False)

    class Meta:
        ordering = ["-period_start", "kind", "id"]
        verbose_name = _("inspection duty")
        verbose_name_plural = _("inspection duties")
        indexes = [models.Index(fields=["site", "missed", "done_at"], name="insp_duty_missed")]

    def __str__(self) -> str:
        where = self.zone or self.department or self.site
        return f"{self.get_kind_display()} · {where} · {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:duties")

