"""The application and its review (SPEC R-01..R-03): the site's settings, the checklist, the renovation with
its documents and workers, the checklist reviews."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from estates.models import mask_id_number

DEFAULT_WORK_HOURS = "08:00–12:00, 14:00–18:00"


class SiteRenovationSetting(BaseModel):
    """Per-site renovation rules shown on the permit (R-03, R-09)."""

    site = models.OneToOneField("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                                related_name="renovation_setting")
    work_hours = models.CharField(_("work hours on working days"), max_length=100, default=DEFAULT_WORK_HOURS)
    rest_day_rule = models.CharField(_("rest days"), max_length=200,
                                     default=_("No noisy work on rest days and public holidays."))
    waste_rule = models.CharField(_("waste removal"), max_length=200, blank=True,
                                  default=_("Bagged waste removed daily at 18:00 by the goods lift."))
    deposit_amount = models.DecimalField(_("standard deposit"), max_digits=10, decimal_places=2, default=2000)

    class Meta:
        verbose_name = _("renovation setting")
        verbose_name_plural = _("renovation settings")

    def __str__(self) -> str:
        return str(self.site)


class ChecklistItem(BaseModel):
    """Company template data: the review checklist (R-02) and the acceptance items (R-07)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("item"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.title


class Renovation(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Registered")  # documents and workers being added
        IN_REVIEW = "in_review", _("In review")  # submitted to engineering
        CHANGES_REQUIRED = "changes_required", _("Plan to be changed")  # a failed checklist item
        REVIEWED = "reviewed", _("Reviewed, awaiting approval")
        APPROVED = "approved", _("Approved, awaiting deposit")
        ACTIVE = "active", _("Active")  # permit issued
        COMPLETED = "completed", _("Completed, acceptance to be applied for")
        ACCEPTANCE_APPLIED = "acceptance_applied", _("Awaiting acceptance")
        RECTIFICATION = "rectification", _("Rectification")
        ACCEPTED = "accepted", _("Accepted, deposit to be refunded")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")

    OPEN_STATES = (Status.DRAFT, Status.IN_REVIEW, Status.CHANGES_REQUIRED, Status.REVIEWED, Status.APPROVED,
                   Status.ACTIVE, Status.COMPLETED, Status.ACCEPTANCE_APPLIED, Status.RECTIFICATION,
                   Status.ACCEPTED)
    WORKING_STATES = (Status.ACTIVE, Status.RECTIFICATION)  # workers on site, patrolled daily

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="renovations")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="renovations")
    number = models.CharField(_("number"), max_length=30)
    owner = models.ForeignKey("estates.Resident", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="renovations")
    owner_phone = models.CharField(_("owner's phone"), max_length=30, blank=True)
    contractor = models.CharField(_("contractor"), max_length=100)
    contractor_licence = models.CharField(_("licence number"), max_length=40)
    lead_name = models.CharField(_("site lead"), max_length=60)
    lead_phone = models.CharField(_("site lead's phone"), max_length=30)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    scope = models.TextField(_("scope of work"))
    materials = models.TextField(_("main materials"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    plan_version = models.PositiveSmallIntegerField(_("plan version"), default=1)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    deposit_amount = models.DecimalField(_("deposit"), max_digits=10, decimal_places=2, null=True, blank=True)
    deposit_taken_at = models.DateTimeField(_("deposit taken"), null=True, blank=True)
    permit_version = models.PositiveSmallIntegerField(_("permit version"), default=0)
    permit_issued_at = models.DateTimeField(_("permit issued"), null=True, blank=True)
    public_token = models.UUIDField(_("public status key"), default=uuid.uuid4, unique=True, editable=False)
    patrol_overdue_at = models.DateTimeField(_("patrol overdue since"), null=True, blank=True)
    permit_expired_at = models.DateTimeField(_("permit expired"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completion declared"), null=True, blank=True)
    acceptance_applied_at = models.DateTimeField(_("acceptance applied for"), null=True, blank=True)
    acceptance_late = models.BooleanField(_("acceptance applied for late"), default=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("renovation")
        verbose_name_plural = _("renovations")
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="renovation_number_per_site"),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="renovation_dates_order"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.unit.code}"

    def get_absolute_url(self) -> str:
        return reverse("renovation:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The deposit's reference in `fees` (one deposit per renovation)."""
        return f"ZX:{self.number}"


class Document(BaseModel):
    class Kind(models.TextChoices):
        OWNER_ID = "owner_id", _("Owner's ID card")
        DRAWINGS = "drawings", _("Design drawings")
        LICENCE = "licence", _("Contractor's licence")
        AGREEMENT = "agreement", _("Renovation agreement (signed)")
        FIRE_PLEDGE = "fire_pledge", _("Fire-safety pledge (signed)")
        CLEANING_PLEDGE = "cleaning_pledge", _("Cleaning pledge (signed)")
        CHANGE = "change", _("Changed plan")
        OTHER = "other", _("Other")

    REQUIRED_FOR_SUBMISSION = (Kind.OWNER_ID, Kind.DRAWINGS, Kind.LICENCE)
    PLEDGES = (Kind.AGREEMENT, Kind.FIRE_PLEDGE, Kind.CLEANING_PLEDGE)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="renovation/docs/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"),
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("renovation document")
        verbose_name_plural = _("renovation documents")


class Worker(BaseModel):
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="workers")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    id_number = models.CharField(_("ID number"), max_length=18)
    photo = models.FileField(_("photo"), upload_to="renovation/workers/%Y/%m/")
    pass_number = models.CharField(_("pass number"), max_length=40, blank=True)
    valid_until = models.DateField(_("pass valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("on the list"), default=True)

    class Meta:
        ordering = ["renovation", "id"]
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(fields=["site", "pass_number"], condition=~Q(pass_number=""),
                                    name="renovation_pass_number_per_site"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Review(BaseModel):
    """One review round of a plan version against the checklist (R-02)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="reviews")
    plan_version = models.PositiveSmallIntegerField(_("plan version"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
                                 related_name="+")
    at = models.DateTimeField(_("reviewed"))
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["renovation", "at", "id"]
        verbose_name = _("checklist review")
        verbose_name_plural = _("checklist reviews")


class ReviewResult(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.PROTECT, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="renovation_review_item_once")]

    def __str__(self) -> str:
        return f"{self.item} {'✓' if self.passed else '✗'}"
