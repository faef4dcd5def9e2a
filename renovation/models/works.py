"""The works (SPEC R-04..R-09): the gate log, patrols and violations, changes and extensions, the acceptance
inspection and the history rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, EventBase
from renovation.models.application import Renovation, Worker


class GateEntry(BaseModel):
    """A worker entering with destructive tools (R-04); the tools stay under supervision until they leave."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="gate_entries")
    worker = models.ForeignKey(Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="+")
    tools = models.CharField(_("destructive tools"), max_length=200)
    entered_at = models.DateTimeField(_("entered"))
    entered_logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"),
                                          on_delete=models.PROTECT, related_name="+")
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    left_logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("exit logged by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("gate entry with tools")
        verbose_name_plural = _("gate entries with tools")


class Patrol(BaseModel):
    """The daily joint patrol's record of one active renovation (R-05, R-09)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="patrols")
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("patrolled"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                           related_name="+")
    team = models.CharField(_("joint team"), max_length=200, blank=True)
    checked = models.TextField(_("checked items"))
    all_in_order = models.BooleanField(_("all in order"), default=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")


class Violation(BaseModel):
    class Rule(models.TextChoices):
        STRUCTURE = "structure", _("Load-bearing structure altered")
        WATERPROOFING = "waterproofing", _("Waterproofing drilled")
        FACADE = "facade", _("Facade altered")
        FIRE = "fire", _("Fire safety")
        COMMON_AREA = "common_area", _("Common area occupied")
        WASTE = "waste", _("Waste not removed as set")
        HOURS = "hours", _("Work outside the permitted hours")
        OUT_OF_SCOPE = "out_of_scope", _("Work outside the approved scope")
        EXPIRED_PERMIT = "expired_permit", _("Work on an expired permit")
        MOVED_IN = "moved_in", _("Moved in before acceptance")
        LATE_ACCEPTANCE = "late_acceptance", _("Acceptance not applied for in time")
        OTHER = "other", _("Other")

    class Measure(models.TextChoices):
        ADVICE = "advice", _("Advice")
        STOP_ORDER = "stop_order", _("Stop order")
        DEDUCTION = "deduction", _("Deposit deduction")
        REFERRAL = "referral", _("Administrative or legal referral")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="violations")
    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="violations")
    rule = models.CharField(_("rule broken"), max_length=20, choices=Rule.choices)
    description = models.TextField(_("what was found"))
    measure = models.CharField(_("measure"), max_length=20, choices=Measure.choices)
    deduction_amount = models.DecimalField(_("deduction"), max_digits=10, decimal_places=2, null=True, blank=True)
    deducted_at = models.DateTimeField(_("deducted"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")  # None: by the clock
    recorded_at = models.DateTimeField(_("recorded"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("renovation violation")
        verbose_name_plural = _("renovation violations")
        constraints = [
            models.CheckConstraint(condition=Q(deduction_amount__isnull=True) | Q(deduction_amount__gt=0),
                                   name="renovation_deduction_positive"),
        ]


class FollowUp(models.Model):
    violation = models.ForeignKey(Violation, verbose_name=_("violation"), on_delete=models.PROTECT,
                                  related_name="follow_ups")
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("follow-up"))
    closes = models.BooleanField(_("rectified, closed"), default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.note[:40]


class Photo(models.Model):
    """A photo of a patrol or a violation (through core.uploads)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="photos")
    patrol = models.ForeignKey(Patrol, null=True, blank=True, on_delete=models.PROTECT, related_name="photos")
    violation = models.ForeignKey(Violation, null=True, blank=True, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(_("photo"), upload_to="renovation/photos/%Y/%m/")
    at = models.DateTimeField(_("taken"))

    def __str__(self) -> str:
        return str(self.file.name)


class Change(BaseModel):
    """A change of the approved plan (R-08) or an extension of the approved period (R-06)."""

    class Kind(models.TextChoices):
        SCOPE = "scope", _("Change of scope")
        EXTENSION = "extension", _("Extension")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied for")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    new_scope = models.TextField(_("new scope"), blank=True)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name = _("renovation change")
        verbose_name_plural = _("renovation changes")


class Inspection(BaseModel):
    """An acceptance inspection (R-07): each checklist item recorded; failed → rectification."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    renovation = models.ForeignKey(Renovation, verbose_name=_("renovation"), on_delete=models.PROTECT,
                                   related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT,
                                  related_name="+")
    at = models.DateTimeField(_("inspected"))
    passed = models.BooleanField(_("passed"))
    results = models.JSONField(_("items"), default=list)  # [{"item": code, "title": …, "passed": bool, "note": …}]

    class Meta:
        ordering = ["renovation", "at", "id"]
        verbose_name = _("acceptance inspection")
        verbose_name_plural = _("acceptance inspections")


class RenovationEvent(EventBase):
    """The renovation's timeline (SPEC X-01)."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Application registered")
        DOCUMENT = "document", _("Document attached")
        WORKER = "worker", _("Worker added")
        SUBMITTED = "submitted", _("Submitted for review")
        REVIEWED = "reviewed", _("Checklist reviewed")
        PLAN_CHANGED = "plan_changed", _("Plan changed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        DEPOSIT = "deposit", _("Deposit taken")
        PERMIT = "permit", _("Permit and passes issued")
        GATE = "gate", _("Tools logged at the gate")
        PATROL = "patrol", _("Patrol recorded")
        PATROL_OVERDUE = "patrol_overdue", _("Patrol missing")
        VIOLATION = "violation", _("Violation recorded")
        FOLLOW_UP = "follow_up", _("Violation followed up")
        DEDUCTED = "deducted", _("Deposit deducted")
        CHANGE_APPLIED = "change_applied", _("Change applied for")
        CHANGE_DECIDED = "change_decided", _("Change decided")
        PERMIT_EXPIRED = "permit_expired", _("Permit expired")
        COMPLETED = "completed", _("Completion declared")
        ACCEPTANCE_APPLIED = "acceptance_applied", _("Acceptance applied for")
        ACCEPTANCE_LATE = "acceptance_late", _("Acceptance not applied for in time")
        INSPECTED = "inspected", _("Acceptance inspection")
        REFUNDED = "refunded", _("Deposit refunded")

    subject_field = "renovation"
    renovation = models.ForeignKey(Renovation, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("renovation event")
        verbose_name_plural = _("renovation events")
