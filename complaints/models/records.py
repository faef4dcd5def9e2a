"""Records around a complaint: photos, escalations (C-06) and the chain's decisions (C-05), written
reports, reminders and inquiries (C-07)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.base import Complaint, Level
from core.models import BaseModel


def _photo_path(instance: ComplaintPhoto, filename: str) -> str:
    return f"complaints/{instance.complaint.site_id}/{instance.complaint_id}/{filename}"


class ComplaintPhoto(BaseModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("photo"), upload_to=_photo_path)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("complaint photo")
        verbose_name_plural = _("complaint photos")


class Escalation(BaseModel):
    """SPEC C-06: one row per level reached; each level must acknowledge."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=200)
    deadline_code = models.CharField(_("missed deadline"), max_length=60, blank=True)
    at = models.DateTimeField(_("escalated at"))
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("notified"), related_name="+",
                                      blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        ordering = ["at", "level"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["complaint", "level"], name="escalation_once_per_level")]
        indexes = [models.Index(fields=["site"], condition=Q(acknowledged_at__isnull=True),
                                name="escalation_unacked")]

    def __str__(self) -> str:
        return f"{self.complaint.number} → {self.get_level_display()}"


class ChainDecision(BaseModel):
    """SPEC C-05: a level's decision in the emergency chain — the site head within its minutes, then the
    company leader within his: "resolvable here" (the chain stops) or "escalate now". When nobody decides
    in time the system escalates and records that here (`by` empty, decision `automatic`)."""

    class Decision(models.TextChoices):
        RESOLVABLE = "resolvable", _("Resolvable here")  # 可在本级解决
        ESCALATE = "escalate", _("Escalate now")  # 立即上报
        AUTOMATIC = "automatic", _("No decision in time: escalated by the system")  # 超时自动上报

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="chain_decisions")
    level = models.PositiveSmallIntegerField(_("deciding level"), choices=Level.choices)
    chain_started_at = models.DateTimeField(_("chain started"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["at", "level"]
        verbose_name = _("emergency decision")
        verbose_name_plural = _("emergency decisions")
        # one decision per level and chain: a second click or a sweep after a decision changes nothing
        constraints = [models.UniqueConstraint(fields=["complaint", "level", "chain_started_at"],
                                               name="chain_decision_once")]

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_level_display()}: {self.get_decision_display()}"


class ComplaintReport(BaseModel):
    """SPEC C-05 written reports (24 h to the company, 48 h to the executive), written in the app."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Report to the company (24 h)")
        EXECUTIVE = "executive", _("Report to the executive (48 h)")
        OTHER = "other", _("Other written report")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    author = models.ForeignKey("estates.Staff", verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("report"))
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("written report")
        verbose_name_plural = _("written reports")


class Reminder(BaseModel):
    """SPEC C-07: reminders 催办单 to the department and inquiries 洽办单 after late closure."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder (催办单)")
        INQUIRY = "inquiry", _("Inquiry (洽办单)")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey("estates.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey("estates.Staff", verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    automatic = models.BooleanField(_("automatic"), default=False)
    text = models.TextField(_("text"), blank=True)
    delay_cause = models.TextField(_("cause of delay"), blank=True)
    deadline_code = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["issued_at", "id"]
        verbose_name = _("reminder or inquiry")
        verbose_name_plural = _("reminders and inquiries")
        constraints = [
            # one automatic reminder per breached clock, one inquiry per complaint closure
            models.UniqueConstraint(fields=["complaint", "kind", "deadline_code"],
                                    condition=Q(automatic=True), name="reminder_auto_once"),
        ]
