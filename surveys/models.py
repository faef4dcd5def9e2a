"""Satisfaction surveys (SPEC §5, S-01..S-06): questionnaires, campaigns, samples, responses, actions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, EventBase

MAX_SAMPLE = 100_000  # households in one campaign


class Grade(models.IntegerChoices):
    """SPEC S-01: the 5-level scale, numbered in the order printed on the paper form (keys 1–5)."""

    VERY_SATISFIED = 1, _("Very satisfied")  # 非常满意
    SATISFIED = 2, _("Satisfied")  # 满意
    NEUTRAL = 3, _("Neutral")  # 一般
    DISSATISFIED = 4, _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 5, _("Very dissatisfied")  # 非常不满意


SATISFIED_GRADES = (Grade.VERY_SATISFIED, Grade.SATISFIED)  # SPEC S-05
DISSATISFIED_GRADES = (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED)  # SPEC S-06

# SPEC S-01: the items a new questionnaire starts with (editable).
DEFAULT_ITEMS = [
    ("customer_service", _("Customer service")),
    ("engineering", _("Engineering repairs")),
    ("security", _("Order and security")),
    ("cleaning", _("Cleaning")),
    ("greening", _("Greening")),
    ("fees", _("Fees")),
    ("communication", _("Communication")),
]


class Questionnaire(BaseModel):
    """SPEC S-01: a questionnaire as data. Frozen once a campaign uses it; edits make a new version."""

    # Translators: 满意度调查问卷
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+",
                             help_text=_("Empty = company-wide questionnaire."))
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("previous version"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="next_versions")
    frozen = models.BooleanField(_("frozen"), default=False,
                                 help_text=_("Used by a campaign: editing makes a new version."))
    intro = models.TextField(_("introduction"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:questionnaire_detail", args=[self.pk])


class QuestionnaireItem(models.Model):
    """One rated service item. `code` matches items across versions (trend, S-06 "fell since")."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
                                      related_name="items")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("item"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["questionnaire", "order", "id"]
        verbose_name = _("questionnaire item")
        verbose_name_plural = _("questionnaire items")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="survey_item_code_unique")]

    def __str__(self) -> str:
        return self.label


class Campaign(FSMModelMixin, BaseModel):
    """SPEC S-02: one survey campaign at one site (optionally one zone)."""

    # Translators: 满意度调查活动
    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine (half-yearly)")  # 例行（每半年）
        NEW_SERVICE = "new_service", _("New service")  # 新服务
        AD_HOC = "ad_hoc", _("Ad hoc (after an incident)")  # 专项（重大事件后）

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # proposed, sampling plan editable
        APPROVED = "approved", _("Approved")  # the site director approved questionnaire and plan
        OPEN = "open", _("Collecting")  # forms delivered, answers coming in (7 days)
        CLOSED = "closed", _("Closed")  # collection over, validity computed
        CANCELLED = "cancelled", _("Cancelled")  # with a reason

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", help_text=_("Empty = the whole site."))
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ROUTINE)
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT,
                                      related_name="campaigns")
    launch_date = models.DateField(_("service launch date"), null=True, blank=True)
    incident = models.TextField(_("incident"), blank=True)
    sample_size = models.PositiveIntegerField(_("sample size (households)"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(MAX_SAMPLE)])
    sample_share = models.DecimalField(_("sample share (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True, validators=[MinValueValidator(Decimal("0.01")),
                                                               MaxValueValidator(Decimal("100"))])
    seed = models.BigIntegerField(_("sampling seed"))
    status = FSMField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("collection closes"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sampled_count = models.PositiveIntegerField(_("households sampled"), default=0)
    returned_count = models.PositiveIntegerField(_("forms returned"), default=0)
    response_rate = models.DecimalField(_("response rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    is_valid = models.BooleanField(_("valid"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason cancelled"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        indexes = [models.Index(fields=["site", "status"], name="survey_campaign_site_status")]
        constraints = [  # issue 13.3: the database backs the form's bounds
            models.CheckConstraint(condition=Q(sample_size__isnull=True) | Q(sample_size__gte=1,
                                                                             sample_size__lte=MAX_SAMPLE),
                                   name="survey_campaign_sample_size_bounds"),
            models.CheckConstraint(condition=Q(sample_share__isnull=True) | Q(sample_share__gte=Decimal("0.01"),
                                                                              sample_share__lte=100),
                                   name="survey_campaign_sample_share_bounds"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:campaign_detail", args=[self.pk])

    # ---- transitions (fields only; services lock, record and start clocks)
    @transition(field=status, source=Status.DRAFT, target=Status.APPROVED)
    def approve(self, *, by, at) -> None:
        self.approved_by, self.approved_at = by, at

    @transition(field=status, source=Status.APPROVED, target=Status.OPEN)
    def open(self, *, at, closes_at) -> None:
        self.opened_at, self.closes_at = at, closes_at

    @transition(field=status, source=Status.OPEN, target=Status.CLOSED)
    def close(self, *, at) -> None:
        self.closed_at = at

    @transition(field=status, source=[Status.DRAFT, Status.APPROVED, Status.OPEN], target=Status.CANCELLED)
    def cancel(self, *, reason: str, at) -> None:
        self.cancel_reason, self.closed_at = reason, at

    @property
    def validity(self) -> str:
        """"valid" / "invalid" / "" (not closed yet) — for badges (SPEC S-04)."""
        if self.is_valid is None:
            return ""
        return "valid" if self.is_valid else "invalid"

    @property
    def current_rate(self) -> Decimal | None:
        if self.response_rate is not None:
            return self.response_rate
        if not self.sampled_count:
            return None
        return (Decimal(self.returned_count) / Decimal(self.sampled_count)).quantize(Decimal("0.0001"))


class CampaignEvent(EventBase):
    class Kind(models.TextChoices):
        CREATED = "created", _("Proposed")
        APPROVED = "approved", _("Approved by the site director")
        OPENED = "opened", _("Opened: sample drawn, forms printed")
        REPRINTED = "reprinted", _("Forms reprinted (new links)")
        CLOSED = "closed", _("Collection closed")
        CLOSED_BY_DEADLINE = "closed_by_deadline", _("Collection closed after 7 days")
        CANCELLED = "cancelled", _("Cancelled")
        ACTION_ADDED = "action_added", _("Corrective action added")
        ACTION_DONE = "action_done", _("Corrective action done")

    subject_field = "campaign"
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="events")

    def get_kind_display(self) -> str:
        return str(dict(self.Kind.choices).get(self.kind, self.kind))

    class Meta(EventBase.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")


class Household(models.Model):
    """A sampled unit (SPEC S-03). Only a sha256 of its one-time link token is stored."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="households")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("number"), default=0)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    token_issued_at = models.DateTimeField(_("link issued at"), null=True, blank=True)
    responded = models.BooleanField(_("returned"), default=False)

    class Meta:
        ordering = ["campaign", "position", "id"]
        verbose_name = _("sampled household")
        verbose_name_plural = _("sampled households")
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="survey_household_unique")]

    def __str__(self) -> str:
        return str(self.unit)


class Response(models.Model):
    """One returned questionnaire (paper entered by staff, or through the one-time link)."""

    class Channel(models.TextChoices):
        PAPER = "paper", _("Paper form")
        LINK = "link", _("One-time link")

    class AgeBand(models.TextChoices):
        UNDER_30 = "u30", _("Under 30")
        FROM_30 = "30_44", _("30–44")
        FROM_45 = "45_59", _("45–59")
        OVER_60 = "60p", _("60 and over")

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    class Occupation(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        BUSINESS = "business", _("Self-employed / business owner")
        CIVIL = "civil", _("Civil servant / public institution")
        RETIRED = "retired", _("Retired")
        STUDENT = "student", _("Student")
        OTHER = "other", _("Other")

    class ResidentType(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="responses")
    household = models.OneToOneField(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                     related_name="response")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    comments = models.TextField(_("comments"), blank=True)
    expectations = models.TextField(_("expectations"), blank=True)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=2, choices=Gender.choices, blank=True)
    occupation = models.CharField(_("occupation"), max_length=12, choices=Occupation.choices, blank=True)
    resident_type = models.CharField(_("owner or tenant"), max_length=8, choices=ResidentType.choices, blank=True)

    class Meta:
        ordering = ["campaign", "submitted_at", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.household}"


class Rating(models.Model):
    """One grade of one item (SPEC S-01). `campaign` is repeated for the S-05 aggregates."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="ratings")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="ratings")
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.PROTECT, related_name="ratings")
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_rating_unique"),
            models.CheckConstraint(condition=Q(grade__gte=1, grade__lte=5), name="survey_grade_on_scale"),
        ]
        indexes = [models.Index(fields=["campaign", "item", "grade"], name="survey_rating_agg")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.grade}"


class CorrectiveAction(FSMModelMixin, BaseModel):
    """SPEC S-06: an improvement proposed from the analysis, tracked to done."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")  # assigned, not done yet
        DONE = "done", _("Done")  # completed with a note

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="actions")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(QuestionnaireItem, verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("corrective action"))
    owner = models.ForeignKey("estates.Staff", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    status = FSMField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, protected=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["status", "due_date", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")

    def __str__(self) -> str:
        return self.description[:40]

    @transition(field=status, source=Status.OPEN, target=Status.DONE)
    def finish(self, *, at, note: str) -> None:
        self.done_at, self.done_note = at, note
