"""Callbacks and visits (回访, SPEC §4).

`Callback` is one callback task about a subject owned by another app (a work order, a complaint, a
sampled complaint); `callbacks` never imports those apps: the subject is a generic relation and the
subject's app reacts to the final result through `callbacks.hooks.outcome_handler`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, EventBase

MAX_VISITS = 200  # routine visits a month by one person

# SPEC CB-02: at most 3 attempts when the resident cannot be reached.
MAX_UNREACHABLE_ATTEMPTS = 3


class Result(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY = "basically", _("Basically satisfied")  # 基本满意
    UNSATISFIED = "unsatisfied", _("Unsatisfied")  # 不满意
    UNREACHABLE = "unreachable", _("Unreachable")  # 联系不上


class Method(models.TextChoices):
    PHONE = "phone", _("Phone")  # 电话回访
    VISIT = "visit", _("On-site visit")  # 上门回访
    MESSAGE = "message", _("Message")  # 短信/微信


class SamplingDraw(BaseModel):
    """SPEC CB-06: one reproducible draw of closed complaints for a quality re-visit."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="callback_sampling_draws")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    share = models.DecimalField(_("share"), max_digits=4, decimal_places=3)
    in_person_share = models.DecimalField(_("in-person share"), max_digits=4, decimal_places=3)
    seed = models.CharField(_("seed"), max_length=80)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    drawn = models.PositiveIntegerField(_("drawn"), default=0)
    in_person = models.PositiveIntegerField(_("in person"), default=0)

    class Meta:
        ordering = ["-period_start", "site_id"]
        verbose_name = _("quality sampling draw")
        verbose_name_plural = _("quality sampling draws")
        constraints = [models.UniqueConstraint(fields=["site", "period_start", "period_end"],
                                               name="callback_sampling_once_per_period")]

    def __str__(self) -> str:
        return f"{self.site} {self.period_start}–{self.period_end}"


class Callback(BaseModel):
    """回访任务: a callback to a resident about a subject (work order, complaint…)."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("Work order callback")  # 报事回访
        COMPLAINT = "complaint", _("Complaint callback")  # 投诉回访
        SAMPLING = "sampling", _("Quality sampling re-visit")  # 质量抽查回访 (CB-06)
        OTHER = "other", _("Other callback")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # waiting for a call or visit
        MISMATCH_CHECK = "mismatch_check", _("Site check")  # CB-03: zone manager checks on site
        DONE = "done", _("Done")  # the resident gave a result
        UNREACHABLE = "unreachable", _("Closed: unreachable")  # CB-02: 3 attempts failed
        CANCELLED = "cancelled", _("Cancelled")  # no longer needed (reason in history)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="callbacks")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    subject_type = models.ForeignKey(ContentType, verbose_name=_("subject type"), on_delete=models.PROTECT,
                                     related_name="+")
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    policy_code = models.CharField(_("deadline"), max_length=60, blank=True)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="callbacks")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="callbacks")
    resident_name = models.CharField(_("resident name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    summary = models.TextField(_("what was done"), blank=True)
    department_report = models.TextField(_("department's report"), blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="callbacks_assigned")
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    status = FSMField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN, protected=True,
                      db_index=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # when the resident was reached (or the task closed as unreachable): timeliness is measured on this
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_reason = models.CharField(_("reason"), max_length=200, blank=True)
    # CB-03: site check when the resident's account differs from the department's report
    mismatch_note = models.TextField(_("resident's account"), blank=True)
    mismatch_checker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("site check by"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    mismatch_finding = models.TextField(_("site check finding"), blank=True)
    mismatch_checked_at = models.DateTimeField(_("site checked at"), null=True, blank=True)
    # CB-06: sampled re-visits; some must be made in person with the resident's signature
    sampling_draw = models.ForeignKey(SamplingDraw, verbose_name=_("sampling draw"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="callbacks")
    in_person_required = models.BooleanField(_("in person with signature"), default=False)
    # set when the subject's outcome handler ran: it runs exactly once
    outcome_at = models.DateTimeField(_("outcome reported at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        # Translators: 回访单
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        indexes = [models.Index(fields=["subject_type", "subject_id"]),
                   models.Index(fields=["site", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("callbacks:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.UNREACHABLE, self.Status.CANCELLED)

    # ---- transitions: fields only; services add locks, history and clocks
    @transition(field=status, source=Status.OPEN, target=Status.MISMATCH_CHECK)
    def to_mismatch_check(self, *, result: str, note: str, checker, at) -> None:
        self.result = result
        self.mismatch_note = note
        self.mismatch_checker = checker
        self.answered_at = self.answered_at or at

    @transition(field=status, source=[Status.OPEN, Status.MISMATCH_CHECK], target=Status.DONE)
    def finish(self, *, result: str, at, by) -> None:
        self.result = result
        self.answered_at = self.answered_at or at
        self.closed_at = at
        self.closed_by = by

    @transition(field=status, source=Status.OPEN, target=Status.UNREACHABLE)
    def close_unreachable(self, *, reason: str, at, by) -> None:
        self.result = Result.UNREACHABLE
        self.answered_at = at
        self.closed_at = at
        self.closed_by = by
        self.close_reason = reason[:200]

    @transition(field=status, source=[Status.OPEN, Status.MISMATCH_CHECK], target=Status.CANCELLED)
    def cancel(self, *, reason: str, at, by) -> None:
        self.closed_at = at
        self.closed_by = by
        self.close_reason = reason[:200]


class CallbackAttempt(BaseModel):
    """SPEC CB-02: one call, visit or message: method, number dialled, time, staff, result, comment."""

    callback = models.ForeignKey(Callback, verbose_name=_("callback"), on_delete=models.PROTECT,
                                 related_name="attempt_rows")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.PHONE)
    number_dialled = models.CharField(_("number dialled"), max_length=30, blank=True)
    at = models.DateTimeField(_("time"))
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff"), on_delete=models.PROTECT,
                              related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    comment = models.TextField(_("comment"), blank=True)
    # on-site visit: the resident signs (on paper, or drawn on the phone)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    signer_name = models.CharField(_("signed by"), max_length=60, blank=True)
    signature = models.TextField(_("drawn signature"), blank=True, help_text=_("PNG data URI"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("callback attempt")
        verbose_name_plural = _("callback attempts")

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.get_result_display()}"


class CallbackEvent(EventBase):
    subject_field = "callback"
    callback = models.ForeignKey(Callback, on_delete=models.PROTECT, related_name="events")

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        ATTEMPT = "attempt", _("Attempt recorded")
        MISMATCH = "mismatch", _("Site check requested")
        FINDING = "finding", _("Site check finding recorded")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Closed as unreachable")
        CANCELLED = "cancelled", _("Cancelled")
        REASSIGNED = "reassigned", _("Reassigned")

    def get_kind_display(self) -> str:
        return dict(self.Kind.choices).get(self.kind, self.kind)

    class Meta(EventBase.Meta):
        verbose_name = _("callback event")
        verbose_name_plural = _("callback events")


class CallbackSettings(BaseModel):
    """Per-site settings of the callback procedure (CB-06 sampling share)."""

    site = models.OneToOneField("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                                related_name="callback_settings")
    sampling_share = models.DecimalField(
        _("quality sampling share"), max_digits=4, decimal_places=3, default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of closed complaints re-visited, e.g. 0.10 = 10%."))
    in_person_share = models.DecimalField(
        _("in-person share"), max_digits=4, decimal_places=3, default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal("0.3")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of sampled re-visits made in person with signature (at least 30%)."))
    director_visits = models.PositiveSmallIntegerField(_("site director's monthly visits"), default=10,
                                                       validators=[MaxValueValidator(MAX_VISITS)])
    zone_manager_visits = models.PositiveSmallIntegerField(_("zone manager's monthly visits"), default=15,
                                                           validators=[MaxValueValidator(MAX_VISITS)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("callback settings")
        verbose_name_plural = _("callback settings")
        constraints = [  # issue 13.3: the database backs the bounds
            models.CheckConstraint(condition=models.Q(sampling_share__gte=0, sampling_share__lte=1),
                                   name="callback_settings_sampling_share_bounds"),
            models.CheckConstraint(condition=models.Q(in_person_share__gte=Decimal("0.3"), in_person_share__lte=1),
                                   name="callback_settings_in_person_share_bounds"),
            models.CheckConstraint(condition=models.Q(director_visits__lte=MAX_VISITS,
                                                      zone_manager_visits__lte=MAX_VISITS),
                                   name="callback_settings_visits_bounds"),
        ]

    def __str__(self) -> str:
        return str(self.site)


class VisitPlan(BaseModel):
    """SPEC CB-04: one visitor's routine visits of one month (10 for the director, 15 per zone manager)."""

    class Role(models.TextChoices):
        SITE_DIRECTOR = "site_director", _("Site director")
        ZONE_MANAGER = "zone_manager", _("Zone manager")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="visit_plans")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visitor"), on_delete=models.PROTECT,
                                related_name="visit_plans")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="visit_plans")
    target = models.PositiveSmallIntegerField(_("target"))
    seed = models.CharField(_("seed"), max_length=80)

    class Meta:
        ordering = ["-month", "site_id", "role", "zone_id"]
        # Translators: 走访计划
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [models.UniqueConstraint(fields=["site", "month", "visitor"], name="visit_plan_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.visitor}"

    def get_absolute_url(self) -> str:
        return reverse("callbacks:visit_plan", args=[self.pk])


class Visit(BaseModel):
    """One proposed household of a visit plan; recorded when visited (走访记录)."""

    plan = models.ForeignKey(VisitPlan, verbose_name=_("visit plan"), on_delete=models.PROTECT,
                             related_name="visits")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="routine_visits")
    position = models.PositiveSmallIntegerField(_("order"))
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("visited by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    resident_name = models.CharField(_("resident met"), max_length=60, blank=True)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    signed_on_paper = models.BooleanField(_("signed on paper"), default=False)
    signer_name = models.CharField(_("signed by"), max_length=60, blank=True)
    signature = models.TextField(_("drawn signature"), blank=True)

    class Meta:
        ordering = ["plan_id", "position"]
        verbose_name = _("routine visit")
        verbose_name_plural = _("routine visits")
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="visit_unit_once_per_plan")]

    def __str__(self) -> str:
        return f"{self.unit}"


class PromisedReply(BaseModel):
    """SPEC CB-05: a question not answered on the spot, with a promised reply time (a deadline)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the reply")
        ANSWERED = "answered", _("Answered")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="promised_replies")
    callback = models.ForeignKey(Callback, verbose_name=_("callback"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="promised_replies")
    visit = models.ForeignKey(Visit, verbose_name=_("routine visit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="promised_replies")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    question = models.TextField(_("question"))
    due_at = models.DateTimeField(_("promised reply by"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("promised by"), on_delete=models.PROTECT,
                              related_name="+")
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, protected=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("promised reply")
        verbose_name_plural = _("promised replies")

    def __str__(self) -> str:
        return self.question[:40]

    def get_absolute_url(self) -> str:
        return reverse("callbacks:promised_list") + f"#reply-{self.pk}"

    @transition(field=status, source=Status.OPEN, target=Status.ANSWERED)
    def mark_answered(self, *, answer: str, at, by) -> None:
        self.answer = answer
        self.answered_at = at
        self.answered_by = by


# SPEC CB-08: the relationship plan lives in its own module; imported here so Django finds it
from callbacks.models_relationship import RelationshipEvent, RelationshipPlan, RelationshipTask  # noqa: E402, F401
