"""SPEC CB-08 relationship maintenance (客户关系维护): the CS supervisor's monthly plan, its tasks per zone
(activities, holiday greetings, information updates), carried out and recorded by zone staff."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, EventBase


class RelationshipPlan(BaseModel):
    """One site's plan of one month (客户关系维护计划)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="relationship_plans")
    month = models.DateField(_("month"), help_text=_("First day of the month."))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.PROTECT,
                                related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-month", "site_id"]
        verbose_name = _("relationship plan")
        verbose_name_plural = _("relationship plans")
        constraints = [models.UniqueConstraint(fields=["site", "month"], name="relationship_plan_once")]

    def __str__(self) -> str:
        return f"{self.site} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("callbacks:relationship_plan", args=[self.pk])


class RelationshipTask(BaseModel):
    """One task of a plan for one zone; done (recorded by zone staff) or cancelled with a reason."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Community activity")  # 社区活动
        GREETING = "greeting", _("Holiday greeting")  # 节日问候
        INFO_UPDATE = "info_update", _("Information update")  # 资料更新

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(RelationshipPlan, verbose_name=_("plan"), on_delete=models.PROTECT,
                             related_name="tasks")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("zone"), on_delete=models.PROTECT,
                             related_name="relationship_tasks")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("task"), max_length=120)
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    result = models.TextField(_("what was done"), blank=True)
    households = models.PositiveIntegerField(_("households reached"), default=0,
                                             validators=[MaxValueValidator(100_000)])
    cancel_reason = models.CharField(_("reason cancelled"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan_id", "zone_id", "due_date", "id"]
        verbose_name = _("relationship task")
        verbose_name_plural = _("relationship tasks")
        indexes = [models.Index(fields=["site", "status"], name="rel_task_site_status")]

    def __str__(self) -> str:
        return self.title


class RelationshipEvent(EventBase):
    subject_field = "task"
    task = models.ForeignKey(RelationshipTask, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("relationship task event")
        verbose_name_plural = _("relationship task events")
