"""Resident pages — 业主端 (issue 22, SPEC P-01..P-04): accounts, one-time links, online reports,
online evaluations. A household is a unit: a resident sees only the records of their own unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

USERNAME_PREFIX = "resident-"  # resident logins are `resident-<phone>`; staff usernames never start so


class ResidentAccount(BaseModel):
    """P-01: opened by the front desk from the resident file (O-02) with the resident's phone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resident_account")
    resident = models.OneToOneField("estates.Resident", verbose_name=_("resident"), on_delete=models.PROTECT,
                                    related_name="account")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("household"), on_delete=models.PROTECT,
                             related_name="resident_accounts")
    phone = models.CharField(_("phone"), max_length=20, unique=True)
    email = models.EmailField(_("email"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True,
                                  on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")

    def __str__(self) -> str:
        return self.phone


class SetupLink(BaseModel):
    """A one-time link to set the password: only the SHA-256 of the token is stored; it expires."""

    account = models.ForeignKey(ResidentAccount, on_delete=models.PROTECT, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("password link")
        verbose_name_plural = _("password links")


class OnlineReport(BaseModel):
    """P-02: what a resident reported; waits in the front desk's queue (no clock) until confirmed."""

    class Kind(models.TextChoices):
        REPAIR = "repair", _("Repair")
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the front desk")
        CONFIRMED = "confirmed", _("Accepted")
        DECLINED = "declined", _("Not accepted")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("household"), on_delete=models.PROTECT,
                             related_name="online_reports")
    account = models.ForeignKey(ResidentAccount, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                related_name="reports")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    content = models.TextField(_("content"))
    preferred_time = models.CharField(_("preferred time"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    reported_at = models.DateTimeField(_("reported"))
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    work_order = models.OneToOneField("tickets.WorkOrder", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="online_report")
    complaint = models.OneToOneField("complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="online_report")
    suggestion = models.OneToOneField("suggestions.Suggestion", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="online_report")

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("online report")
        verbose_name_plural = _("online reports")
        indexes = [models.Index(fields=["site", "status", "-reported_at"], name="portal_report_queue"),
                   models.Index(fields=["unit", "-reported_at"], name="portal_report_unit")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reported_at:%Y-%m-%d %H:%M}"


class OnlineReportPhoto(BaseModel):
    report = models.ForeignKey(OnlineReport, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("photo"), upload_to="portal/reports/%Y/%m/")


class OnlineEvaluation(BaseModel):
    """P-03: the resident's own evaluation of a completed order, recorded on the order too."""

    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASIC = "basic", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    order = models.OneToOneField("tickets.WorkOrder", on_delete=models.PROTECT, related_name="online_evaluation")
    account = models.ForeignKey(ResidentAccount, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("evaluation"), max_length=12, choices=Value.choices)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("online evaluation")
        verbose_name_plural = _("online evaluations")


class Notice(BaseModel):
    """P-04 / issue 22.6: the site's notice board — published by the front desk, read by residents."""

    class Kind(models.TextChoices):
        OUTAGE = "outage", _("Water or power cut")
        RENOVATION = "renovation", _("Renovation")
        RECTIFICATION = "rectification", _("Suggestion rectification")
        OTHER = "other", _("Notice")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"),
                                     on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["site", "-published_at"], name="portal_notice_site")]

    def __str__(self) -> str:
        return self.title
