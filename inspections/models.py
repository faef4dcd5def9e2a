"""Inspections and assessment (SPEC §9 A-01..A-06) and the maintenance plan (O-05).

Checklist templates are company data; inspections, rectifications, cadence duties, the monthly zone
ranking and the maintenance plans belong to one site.
"""

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


class AssessmentMonth(BaseModel):
    """One site's month of assessment (A-02): the ranking drafted at month start, locked by the director."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    drafted_at = models.DateTimeField(_("drafted at"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("locked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    appraisal_locked_at = models.DateTimeField(_("appraisal locked at"), null=True, blank=True)
    appraisal_locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("appraisal locked by"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month", "site_id"]
        verbose_name = _("assessment month")
        verbose_name_plural = _("assessment months")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="assessment_month_once")]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("inspections:ranking", args=[self.pk])


class ZoneScore(BaseModel):
    """A-02: one zone team's monthly score: 30 % public-area inspection + 70 % resident evaluation."""

    month = models.ForeignKey(AssessmentMonth, verbose_name=_("month"), on_delete=models.PROTECT,
                              related_name="scores")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    inspection_score = models.DecimalField(_("public-area inspection"), max_digits=6, decimal_places=2,
                                           default=Decimal("0"))
    inspections = models.PositiveIntegerField(_("inspections counted"), default=0)
    valid_complaints = models.PositiveIntegerField(_("valid complaints"), default=0)
    praise = models.PositiveIntegerField(_("praise"), default=0)
    resident_score = models.DecimalField(_("resident evaluation"), max_digits=7, decimal_places=2,
                                         default=Decimal("0"))
    computed = models.DecimalField(_("computed score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    adjustment = models.DecimalField(_("adjustment"), max_digits=7, decimal_places=2, default=Decimal("0"))
    final = models.DecimalField(_("score"), max_digits=7, decimal_places=2, default=Decimal("0"))
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)

    class Meta:
        ordering = ["month_id", "rank", "zone_id"]
        verbose_name = _("zone score")
        verbose_name_plural = _("zone scores")
        constraints = [models.UniqueConstraint(fields=["month", "zone"], name="zone_score_once")]


class ZoneScoreAdjustment(BaseModel):
    score = models.ForeignKey(ZoneScore, verbose_name=_("zone score"), on_delete=models.PROTECT,
                              related_name="adjustments")
    delta = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("score adjustment")
        verbose_name_plural = _("score adjustments")


class SelfAssessment(BaseModel):
    """A-03 片区客户服务小组自检: scored by the zone manager, reviewed by the CS supervisor; each
    unsatisfied routine callback −1 from 100; it is the department staff's 30 % part (A-05)."""

    month = models.ForeignKey(AssessmentMonth, verbose_name=_("month"), on_delete=models.PROTECT,
                              related_name="self_assessments")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    inspection_score = models.DecimalField(_("own public-area inspections"), max_digits=6, decimal_places=2,
                                           default=Decimal("0"))
    inspections = models.PositiveIntegerField(_("inspections counted"), default=0)
    unsatisfied = models.PositiveIntegerField(_("unsatisfied routine callbacks"), default=0)
    computed = models.DecimalField(_("computed score"), max_digits=6, decimal_places=2, default=Decimal("0"))
    adjustment = models.DecimalField(_("adjustment"), max_digits=6, decimal_places=2, default=Decimal("0"))
    adjustment_reason = models.CharField(_("reason"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, default=Decimal("0"))
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["month_id", "zone_id"]
        verbose_name = _("zone self-assessment")
        verbose_name_plural = _("zone self-assessments")
        constraints = [models.UniqueConstraint(fields=["month", "zone"], name="self_assessment_once")]


class Post(models.TextChoices):
    """Seed 002 §8(三): the posts whose monthly score is composed differently."""

    CS_SUPERVISOR = "cs_supervisor", _("CS supervisor")  # 客户主管
    FRONT_DESK = "front_desk", _("Front desk")  # 前台接待员
    ZONE_STAFF = "zone_staff", _("Zone customer service")  # 片区客户人员
    DEPT_SUPERVISOR = "dept_supervisor", _("Department supervisor")  # 协管队长 / 工程主管 / 环境主管
    TEAM_LEADER = "team_leader", _("Team leader")  # 协管班长 / 维修班长 / 保洁班长 / 绿化班长
    DEPT_STAFF = "dept_staff", _("Department staff")  # 员工


class Part(models.TextChoices):
    SELF = "self", _("Self-assessment")  # 员工自检
    ZONE_TEAM = "zone_team", _("Zone team self-assessment")  # 片区客户服务小组自检评分
    SUPERVISOR = "supervisor", _("Supervisor")  # 主管级评分
    DIRECTOR = "director", _("Site director")  # 主任级评分
    RANKING = "ranking", _("Zone ranking")  # 片区强制排序, 5 %
    INSPECTION = "inspection", _("Public-area inspection")  # 公区品质巡检, 5 %


DERIVED_PARTS = (Part.ZONE_TEAM, Part.RANKING, Part.INSPECTION)


class AppraisalRule(BaseModel):
    """One weighted part of a post's monthly score. `site` empty = the company table; a site's rows for
    a post replace the company rows for that post."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    part = models.CharField(_("part"), max_length=12, choices=Part.choices)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), validators=[MinValueValidator(1),
                                                                           MaxValueValidator(100)])

    class Meta:
        ordering = ["site_id", "post", "part"]
        verbose_name = _("appraisal composition")
        verbose_name_plural = _("appraisal composition")
        constraints = [models.UniqueConstraint(fields=["site", "post", "part"], name="appraisal_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.get_part_display()} {self.weight}%"


class StaffPost(BaseModel):
    """The appraisal post of an employee when it differs from what the roles say (e.g. a team leader)."""

    staff = models.OneToOneField("estates.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT,
                                 related_name="appraisal_post")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)

    class Meta:
        verbose_name = _("appraisal post")
        verbose_name_plural = _("appraisal posts")


class Appraisal(BaseModel):
    """A-05: one employee's monthly score, the sum of weighted parts."""

    month = models.ForeignKey(AssessmentMonth, verbose_name=_("month"), on_delete=models.PROTECT,
                              related_name="appraisals")
    staff = models.ForeignKey("estates.Staff", verbose_name=_("staff member"), on_delete=models.PROTECT,
                              related_name="appraisals")
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    total = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["month_id", "post", "staff__name"]
        verbose_name = _("monthly appraisal")
        verbose_name_plural = _("monthly appraisals")
        constraints = [models.UniqueConstraint(fields=["month", "staff"], name="appraisal_once")]


class AppraisalPart(BaseModel):
    appraisal = models.ForeignKey(Appraisal, verbose_name=_("monthly appraisal"), on_delete=models.PROTECT,
                                  related_name="parts")
    part = models.CharField(_("part"), max_length=12, choices=Part.choices)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        ordering = ["appraisal_id", "part"]
        verbose_name = _("appraisal part")
        verbose_name_plural = _("appraisal parts")
        constraints = [models.UniqueConstraint(fields=["appraisal", "part"], name="appraisal_part_once")]


class RecognitionCheck(BaseModel):
    """A-06 / O-04: the zone manager's spot check: residents drawn at random, did each member know them?"""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT,
                                related_name="+")
    seed = models.CharField(_("draw"), max_length=40)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("recognition spot check")
        verbose_name_plural = _("recognition spot checks")


class RecognitionAnswer(BaseModel):
    spot_check = models.ForeignKey(RecognitionCheck, verbose_name=_("spot check"), on_delete=models.PROTECT,
                                   related_name="answers")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), on_delete=models.PROTECT,
                                 related_name="+")
    staff = models.ForeignKey("estates.Staff", verbose_name=_("team member"), on_delete=models.PROTECT,
                              related_name="+")
    knew = models.BooleanField(_("knew name and unit"))

    class Meta:
        ordering = ["spot_check_id", "id"]
        verbose_name = _("recognition answer")
        verbose_name_plural = _("recognition answers")
        constraints = [models.UniqueConstraint(fields=["spot_check", "resident", "staff"], name="recognition_once")]


# ---------------------------------------------------------------- O-05 equipment and maintenance plan

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
