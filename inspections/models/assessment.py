"""The monthly assessment: zone ranking, self-assessment, staff appraisal, recognition checks (SPEC A-02, A-03,
A-05, A-06, O-04)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


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

