"""Emergencies (SPEC E-01, E-02; seed 004 §E): events with a commander, team and timeline; the emergency
team's duty list; drills (at least one each half year, fire and flood in the year); the supplies register."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel


class EmergencyEvent(BaseModel):
    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire")  # 火警
        FLOOD = "flood", _("Flood / burst pipe")  # 水浸 / 跑水
        THEFT = "theft", _("Theft / robbery")  # 盗窃 / 匪警
        FIGHT = "fight", _("Fight")  # 斗殴
        OUTAGE = "outage", _("Power or water outage")  # 停电停水
        LIFT = "lift", _("Lift entrapment")  # 电梯困人
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Being handled")  # commander on it
        CLOSED = "closed", _("Closed with follow-up")  # final

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="emergencies")
    number = models.CharField(_("number"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("what happened"), max_length=200)
    location = models.CharField(_("where"), max_length=200)
    started_at = models.DateTimeField(_("started"))
    reported_at = models.DateTimeField(_("reported"))
    responded_at = models.DateTimeField(_("first on scene"), null=True, blank=True)
    commander = models.ForeignKey("estates.Staff", verbose_name=_("commander"), on_delete=models.PROTECT,
                                  related_name="+")
    team = models.ManyToManyField("estates.Staff", verbose_name=_("response team"), blank=True, related_name="+")
    status = FSMField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN, protected=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    followup = models.TextField(_("follow-up"), blank=True)
    work_orders = models.ManyToManyField("tickets.WorkOrder", verbose_name=_("work orders"), blank=True,
                                         related_name="+")
    complaints = models.ManyToManyField("complaints.Complaint", verbose_name=_("complaints"), blank=True,
                                        related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("emergency event")
        verbose_name_plural = _("emergency events")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="emergency_number_site")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("emergencies:detail", args=[self.pk])

    @property
    def response_minutes(self) -> int | None:
        if not self.responded_at:
            return None
        return max(int((self.responded_at - self.reported_at).total_seconds() // 60), 0)

    @transition(field=status, source=Status.OPEN, target=Status.CLOSED)
    def close(self, *, at, followup) -> None:
        self.closed_at, self.followup = at, followup


class TimelineEntry(models.Model):
    """One line of the minute-by-minute timeline (append-only)."""

    event = models.ForeignKey(EmergencyEvent, verbose_name=_("event"), on_delete=models.PROTECT,
                              related_name="timeline")
    at = models.DateTimeField(_("at"))
    text = models.CharField(_("what was done"), max_length=300)
    on_scene = models.BooleanField(_("first on scene"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                           related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.text}"


class DutyMember(BaseModel):
    """The emergency team's duty list (应急分队, all service-center staff)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("estates.Staff", verbose_name=_("staff"), on_delete=models.PROTECT, related_name="+")
    duty = models.CharField(_("duty"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("on the list"), default=True)

    class Meta:
        ordering = ["site", "position", "id"]
        verbose_name = _("duty list member")
        verbose_name_plural = _("duty list")
        constraints = [models.UniqueConstraint(fields=["site", "staff"], condition=models.Q(is_active=True),
                                               name="duty_member_once")]

    def __str__(self) -> str:
        return f"{self.staff} {self.duty}"


class DrillPeriod(models.Model):
    """A half year of a site: the subject of the `drill.plan` clock (E-02)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    missed = models.BooleanField(_("no drill held"), default=False)

    class Meta:
        ordering = ["site", "start"]
        verbose_name = _("drill period")
        verbose_name_plural = _("drill periods")
        constraints = [models.UniqueConstraint(fields=["site", "start"], name="drill_period_once")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}–{self.end:%Y-%m}"


class Drill(BaseModel):
    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire drill")  # 消防演练
        FLOOD = "flood", _("Flood drill")  # 防汛演练
        OTHER = "other", _("Other drill")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")  # final
        CANCELLED = "cancelled", _("Cancelled")  # final

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    planned_on = models.DateField(_("planned for"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    participants = models.ManyToManyField("estates.Staff", verbose_name=_("participants"), blank=True,
                                          related_name="+")
    residents_count = models.PositiveIntegerField(_("residents taking part"), default=0)
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.planned_on}"


class SupplyItem(BaseModel):
    """应急物资: sandbags, torches, first-aid kits, extinguishers…"""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("item"), max_length=60)
    location = models.CharField(_("kept at"), max_length=100, blank=True)
    unit = models.CharField(_("measure"), max_length=10, default="个")
    quantity = models.PositiveIntegerField(_("quantity"))
    min_quantity = models.PositiveIntegerField(_("minimum"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    check_every_days = models.PositiveSmallIntegerField(_("check every (days)"), default=30)
    last_checked_on = models.DateField(_("last checked"), null=True, blank=True)
    is_active = models.BooleanField(_("in the register"), default=True)

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("emergency supply")
        verbose_name_plural = _("emergency supplies")

    def __str__(self) -> str:
        return self.name


class SupplyCheck(models.Model):
    item = models.ForeignKey(SupplyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="checks")
    at = models.DateTimeField(_("checked"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT,
                           related_name="+")
    quantity = models.PositiveIntegerField(_("quantity found"))
    usable = models.BooleanField(_("usable"), default=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("supply check")
        verbose_name_plural = _("supply checks")

    def __str__(self) -> str:
        return f"{self.item} {self.at:%Y-%m-%d}"
