"""Stored monthly reports, mailing schedules, distribution lists and digest opt-outs (SPEC D-02, D-03)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel


class MailingKind(models.TextChoices):
    DAILY_DIGEST = "daily_digest", _("Daily digest to supervisors")  # 每日摘要
    WEEKLY_COMPLAINTS = "weekly_complaints", _("Weekly complaint statistics")  # 投诉周统计 (C-10)
    MONTHLY_COMPLAINTS = "monthly_complaints", _("Monthly complaint statistics")  # 投诉月统计 (C-10)
    MONTHLY_REPORT = "monthly_report", _("Monthly report")  # 月报 (D-02)


class MonthlyReport(BaseModel):
    """One report per site and month (site empty = company-wide); regenerating replaces it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Queued")  # waiting for a worker
        RUNNING = "running", _("Generating")  # a worker is computing it
        READY = "ready", _("Ready")  # figures, PDF and XLSX stored
        FAILED = "failed", _("Failed")  # see `error`; can be requested again

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=list, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/monthly/", blank=True)
    xlsx = models.FileField(_("spreadsheet"), upload_to="reports/monthly/", blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-month", "site__name"]
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        constraints = [
            models.UniqueConstraint(fields=["site", "month"], name="reports_monthly_unique_site_month"),
            # NULLs are distinct in a unique index: one company-wide report per month needs its own rule
            models.UniqueConstraint(fields=["month"], condition=Q(site__isnull=True),
                                    name="reports_monthly_unique_company_month"),
        ]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.month:%Y-%m}"

    @property
    def scope_name(self) -> str:
        return self.site.name if self.site_id else str(_("Company-wide"))

    def get_absolute_url(self) -> str:
        return reverse("reports:monthly_detail", args=[self.pk])

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class DistributionList(BaseModel):
    """Who receives the complaint statistics and the monthly report (SPEC C-10: executive office, ...)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("mailing"), max_length=24, choices=MailingKind.choices)
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("Empty: figures of all sites (company-wide)."))
    emails = models.TextField(_("e-mail addresses"), help_text=_("One address per line (or separated by commas)."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("distribution list")
        verbose_name_plural = _("distribution lists")

    def __str__(self) -> str:
        return self.name

    def addresses(self) -> list[str]:
        raw = self.emails.replace(",", "\n").replace(";", "\n").replace("，", "\n")
        seen: list[str] = []
        for line in raw.splitlines():
            addr = line.strip()
            if addr and addr.lower() not in (s.lower() for s in seen):
                seen.append(addr)
        return seen


class DigestSchedule(BaseModel):
    """When a mailing goes out, local time (Asia/Shanghai); edited by an admin (SPEC D-03)."""

    kind = models.CharField(_("mailing"), max_length=24, choices=MailingKind.choices, unique=True)
    hour = models.PositiveSmallIntegerField(_("hour"), default=8)
    minute = models.PositiveSmallIntegerField(_("minute"), default=0)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True,
                                               help_text=_("Weekly mailings: 1 = Monday … 7 = Sunday."))
    day_of_month = models.PositiveSmallIntegerField(_("day of month"), null=True, blank=True,
                                                    help_text=_("Monthly mailings: 1–28."))
    enabled = models.BooleanField(_("enabled"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = _("mailing schedule")
        verbose_name_plural = _("mailing schedules")
        constraints = [
            models.CheckConstraint(condition=Q(hour__lte=23) & Q(minute__lte=59), name="reports_schedule_time"),
            models.CheckConstraint(condition=Q(weekday__isnull=True) | Q(weekday__gte=1, weekday__lte=7),
                                   name="reports_schedule_weekday"),
            models.CheckConstraint(condition=Q(day_of_month__isnull=True) | Q(day_of_month__gte=1,
                                                                               day_of_month__lte=28),
                                   name="reports_schedule_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.hour:02d}:{self.minute:02d}"


class MailingRun(models.Model):
    """One schedule fired for one period: the unique pair makes a doubled beat send nothing twice."""

    class Status(models.TextChoices):
        STARTED = "started", _("Started")  # claimed; mails being built
        SENDING = "sending", _("Sending")  # messages written (MailingMessage), not all sent yet
        DONE = "done", _("Done")  # every message sent (issue 23.4)
        FAILED = "failed", _("Failed")  # see `error`

    schedule = models.ForeignKey(DigestSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT,
                                 related_name="runs")
    period = models.CharField(_("period"), max_length=20)  # 2026-11-23 | 2026-W48 | 2026-11
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.STARTED)
    mails = models.PositiveIntegerField(_("mails queued"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("mailing run")
        verbose_name_plural = _("mailing runs")
        constraints = [models.UniqueConstraint(fields=["schedule", "period"], name="reports_run_once_per_period")]

    def __str__(self) -> str:
        return f"{self.schedule.kind} {self.period}"


class MailingMessage(models.Model):
    """One mail of a run, as an outbox row (issue 23.4): sent by core/mail.py's claim-send-mark with
    a Message-ID from its id, retried on the notification backoff through an SMTP outage, marked
    failed after PROPSERV_EMAIL_MAX_ATTEMPTS (delivery problems page). The run is done when all are sent."""

    run = models.ForeignKey(MailingRun, verbose_name=_("mailing run"), on_delete=models.CASCADE,
                            related_name="messages")
    subject = models.CharField(_("subject"), max_length=300)
    to = models.JSONField(_("recipients"), default=list)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)  # [{"name", "file", "mimetype"}], file in storage
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_error = models.CharField(_("error"), max_length=300, blank=True)
    email_next_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("email claimed"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("email failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mailing message")
        verbose_name_plural = _("mailing messages")
        indexes = [models.Index(fields=["created_at"], name="mailing_message_pending",
                                condition=Q(email_sent_at__isnull=True))]

    def __str__(self) -> str:
        return self.subject


class DigestPreference(BaseModel):
    """A user's opt-out of one mailing (SPEC D-03); no row = receives it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="digest_preferences")
    kind = models.CharField(_("mailing"), max_length=24, choices=MailingKind.choices)
    enabled = models.BooleanField(_("receive"), default=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reports_pref_unique_user_kind")]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.enabled}"
