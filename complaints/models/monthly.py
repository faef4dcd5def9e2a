"""Monthly records with a clock: the written analysis (C-10) and the responsibility review (C-16)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class MonthlyAnalysis(BaseModel):
    """SPEC C-10: the written monthly analysis (causes, improvement proposals), due by the 5th with the
    site director's approval, given in the director's own login. Opened at the start of the month with its
    `complaint.analysis` clock; the clock stops when the director approves."""

    class Status(models.TextChoices):
        DUE = "due", _("Not yet written")  # 待撰写
        SUBMITTED = "submitted", _("Awaiting the director's approval")  # 待主任审批
        RETURNED = "returned", _("Returned by the director")  # 主任退回
        APPROVED = "approved", _("Approved by the director")  # 主任已批准

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month analysed."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DUE)
    causes = models.TextField(_("causes"), blank=True)
    proposals = models.TextField(_("improvement proposals"), blank=True)
    author = models.ForeignKey("estates.Staff", verbose_name=_("author"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("director's note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly complaint analysis")
        verbose_name_plural = _("monthly complaint analyses")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="analysis_once_per_month")]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:analysis_detail", args=[self.pk])


class ResponsibilityReview(BaseModel):
    """SPEC C-16: by the 10th the site director reviews last month's closed complaints for staff
    responsibility (责任审视); one per site and month, opened with its `complaint.responsibility` clock."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month reviewed."))
    opened_at = models.DateTimeField(_("opened at"))
    summary = models.TextField(_("summary for the company"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-month", "site_id"]
        verbose_name = _("responsibility review")
        verbose_name_plural = _("responsibility reviews")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="review_once_per_month")]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:review_detail", args=[self.pk])


class ResponsibilityFinding(BaseModel):
    """C-16: per closed complaint, "no fault" or the staff member and the measure taken."""

    class Measure(models.TextChoices):
        NO_FAULT = "no_fault", _("No fault")  # 无责任
        REMINDER = "reminder", _("Talked to / reminded")  # 提醒谈话
        WARNING = "warning", _("Warning")  # 警告
        DEMERIT = "demerit", _("Demerit")  # 记过
        FINE = "fine", _("Deduction from pay")  # 扣罚
        TRAINING = "training", _("Retraining")  # 再培训
        OTHER = "other", _("Other measure")  # 其他

    review = models.ForeignKey(ResponsibilityReview, on_delete=models.CASCADE, related_name="findings")
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint"), on_delete=models.PROTECT,
                                  related_name="responsibility_findings")
    measure = models.CharField(_("finding"), max_length=10, choices=Measure.choices)
    staff = models.ForeignKey("estates.Staff", verbose_name=_("staff member responsible"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["complaint_id"]
        verbose_name = _("responsibility finding")
        verbose_name_plural = _("responsibility findings")
        constraints = [models.UniqueConstraint(fields=["review", "complaint"], name="finding_once_per_complaint")]
