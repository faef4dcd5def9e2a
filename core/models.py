"""Shared base models and the deadline engine's tables.

core knows no domain: subjects of deadlines and notifications are generic relations; the one
exception is the site a policy override or clock belongs to (every record belongs to a site).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_POLICY_AMOUNT = 10_000  # minutes, hours, days or working days of one deadline policy


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class EventBase(models.Model):
    """Append-only history of one aggregate (SPEC X-01). Subclasses add the FK named in `subject_field`."""

    subject_field: ClassVar[str] = "subject"

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    kind = models.CharField(_("event"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    # {"field": [before, after], ...} or other facts of the event
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and not kwargs.pop("_allow_update", False):
            raise ValueError("History is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("History is append-only.")

    @classmethod
    def record(cls, subject: Any, *, actor: Any = None, kind: str, note: str = "",
               data: dict | None = None, at: Any = None) -> EventBase:
        if actor is not None and not getattr(actor, "is_authenticated", True):
            actor = None
        if actor is not None and hasattr(actor, "user_id") and not hasattr(actor, "is_authenticated"):
            actor = actor.user  # a Staff row was passed
        return cls.objects.create(**{cls.subject_field: subject}, actor=actor, kind=kind, note=note,
                                  data=data or {}, at=at or timezone.now())


class HolidayOverride(models.Model):
    """Admin-editable holidays and adjusted working days (调休); wins over the libraries (SPEC W-02)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Adjusted working day (调休)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """Marks a year whose 调休 schedule an admin has entered completely in HolidayOverride."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    complete = models.BooleanField(_("schedule entered completely"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class DeadlinePolicy(models.Model):
    """One row of SPEC §15. `site` set → a per-site override of the company row with the same code."""

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        HOURS = "hours", _("hours")
        DAYS = "days", _("calendar days")
        MONTHS = "months", _("calendar months")  # SPEC S-02: same day n months later, the month's last if shorter
        WORKING_DAYS = "working_days", _("working days")
        END_OF_DAY = "end_of_day", _("end of the working day")
        END_OF_CALENDAR_DAY = "end_of_calendar_day", _("end of the calendar day")  # SPEC K-06 (issue 15.8)
        END_OF_MONTH = "end_of_month", _("end of the month")
        BEFORE_MONTH_END = "before_month_end", _("days before the month end")  # SPEC T-15
        SET_BY_CALLER = "set", _("set when started")

    class Action(models.TextChoices):
        NOTIFY = "notify", _("notify roles")
        ESCALATE = "escalate", _("escalate one level")
        FOLLOWUP = "followup", _("remind and re-arm")
        MARK_OVERDUE = "overdue", _("mark overdue")
        CLOSE = "close", _("close")

    code = models.CharField(_("code"), max_length=60, db_index=True)
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="deadline_policies")
    name = models.CharField(_("name"), max_length=120)
    # issue 13.3: bounded, so a typo cannot push a clock past the calendar (10000 days ≈ 27 years)
    amount = models.PositiveIntegerField(_("amount"), default=0, validators=[MaxValueValidator(MAX_POLICY_AMOUNT)])
    unit = models.CharField(_("time unit"), max_length=20, choices=Unit.choices)
    # SPEC W-04 "(wd)": outside working time the clock starts at the next opening.
    from_next_opening = models.BooleanField(_("starts at next opening"), default=False)
    repeat = models.BooleanField(_("repeats"), default=False)
    action = models.CharField(_("on breach"), max_length=20, choices=Action.choices)
    notify_roles = models.CharField(_("notify roles"), max_length=200, blank=True,
                                    help_text=_("Role codes, comma separated."))
    site_editable = models.BooleanField(_("sites may override"), default=False)
    description = models.CharField(_("rule"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "site_id"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(site__isnull=True), name="policy_code_company"),
            models.UniqueConstraint(fields=["code", "site"], name="policy_code_site"),
            models.CheckConstraint(condition=Q(amount__lte=MAX_POLICY_AMOUNT), name="policy_amount_bounds"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.amount} {self.get_unit_display()})"

    @property
    def roles(self) -> list[str]:
        return [r.strip() for r in self.notify_roles.split(",") if r.strip()]


class Deadline(models.Model):
    """One running clock (SPEC §15, X-04). `due_at` is computed once when started, never recomputed."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        MET = "met", _("met")
        BREACHED = "breached", _("breached")
        CANCELLED = "cancelled", _("cancelled")

    # No single-column FK indexes: every row written is an index entry to maintain at 1M timers, and
    # "deadline_site_state" / "deadline_subject" already lead with site and subject type; policies
    # are few and never deleted (bench/deadlines.py).
    policy = models.ForeignKey(DeadlinePolicy, verbose_name=_("policy"), on_delete=models.PROTECT, db_index=False)
    code = models.CharField(_("code"), max_length=60)
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", db_index=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("escalation level reached"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # the sweep's only query: running rows by due time
            models.Index(fields=["due_at"], name="deadline_running_due", condition=Q(state="running")),
            models.Index(fields=["subject_type", "subject_id", "code"], name="deadline_subject"),
            models.Index(fields=["site", "state", "code"], name="deadline_site_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "code"],
                                    condition=Q(state="running"), name="deadline_one_running"),
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.due_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """Outbox row: written in the event's transaction, delivered after commit (SPEC X-04)."""

    class Kind(models.TextChoices):
        INFO = "info", _("information")
        REMINDER = "reminder", _("reminder")
        ALERT = "alert", _("alert")
        ESCALATION = "escalation", _("escalation")
        DIGEST = "digest", _("digest")

    # no separate FK index: "notification_inbox" (recipient, -created_at) serves recipient lookups
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  db_index=False)
    # site, subject type and deadline are written by the engine from rows it holds; no index on them
    # (nothing looks notices up by them), so a sweep's 20,000 notices maintain only the inbox index.
    site = models.ForeignKey("estates.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    deadline = models.ForeignKey(Deadline, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="notifications", db_index=False)
    # e.g. "deadline:42:breach" — one notice per recipient per event, even if an action runs twice
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    requires_ack = models.BooleanField(_("needs acknowledgement"), default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    send_email = models.BooleanField(_("by email"), default=True)
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    # outbox backoff: the resend job leaves a failed email alone until then
    email_next_at = models.DateTimeField(null=True, blank=True)
    # claimed by a sender (core/mail.py): nobody else sends it until the claim expires
    email_claimed_at = models.DateTimeField(_("email claimed"), null=True, blank=True)
    # given up after PROPSERV_EMAIL_MAX_ATTEMPTS: listed on the delivery problems page, resendable
    email_failed_at = models.DateTimeField(_("email failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # the inbox: a user's notices newest first (and the unread count)
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_email_pending",
                         condition=Q(send_email=True, email_sent_at__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "recipient"], condition=~Q(dedupe_key=""),
                                    name="notification_once"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeFanout(models.Model):
    """Outbox record of a large sweep batch's breach notices (SPEC X-04).

    A sweep batch of more than `PROPSERV_SWEEP_INLINE_NOTICES` breaches writes this one row in its
    own transaction instead of one notification per role holder: 10,000 breaches × 2 supervisors
    would be 20,000 rows (and their key checks) inside the locking transaction. After commit a task
    turns it into the per-user notices (deduplicated by `deadline:<id>:breach`, so running it twice
    adds nothing); the resend job picks up a row whose task was lost.
    """

    created_at = models.DateTimeField(default=timezone.now)
    breached_at = models.DateTimeField()
    deadline_ids = models.JSONField(default=list)
    done_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="notice_fanout_pending",
                                condition=Q(done_at__isnull=True))]

    def __str__(self) -> str:
        return f"fan-out {self.pk}: {len(self.deadline_ids)} breach(es)"


class NumberCounter(models.Model):
    """The last number handed out in one (site, series, period): BS work orders per day, TS complaints…

    Taken by `core.numbering.number_take` with SELECT … FOR UPDATE, so numbers are gapless (a rolled
    back record gives its number back) and two clerks never get the same one (issue 23.1).
    """

    site = models.ForeignKey("estates.Site", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)  # "BS" work orders, "TS" complaints, …
    period = models.CharField(max_length=10)  # "20261201" for daily series
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "series", "period"], name="number_counter_once")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.series} {self.period}: {self.last}"


class SubmissionKey(models.Model):
    """A form's one-time submission key, claimed in the same transaction as the record it creates.

    A repeated post (double click, second tab, a retry on a slow network) finds the key taken and is
    sent to the first result instead of doing the work again (issue 23.2).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class Heartbeat(models.Model):
    """When a periodic job last ran (`deadline-sweep`): the health view and the dashboards turn red
    when it is older than its limit, so a stopped beat or a starved worker is noticed (issue 23.7)."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


# SPEC T-18: the approval tables live in their own module; imported here so Django finds them
from core.approval_models import ApprovalEvent, ApprovalRequest  # noqa: E402, F401
