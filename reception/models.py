"""Reception (接待, SPEC §10): visitor and call log (RC-01), shift work log with handover (RC-02)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel


class ReceptionEntry(BaseModel):
    """来访来电登记: one visitor or caller and the answer given (RC-01)."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("Visit")  # 来访
        CALL = "call", _("Call")  # 来电

    class Purpose(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")  # 咨询
        COMPLAINT = "complaint", _("Complaint")  # 投诉
        REQUEST = "request", _("Request")  # 报事/求助
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ANSWERED = "answered", _("Answered")  # answered on the spot
        AWAITING_REPLY = "awaiting_reply", _("Reply promised")  # RC-01: a reply time was promised
        REPLIED = "replied", _("Replied")  # the promised reply was given

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="reception_entries")
    at = models.DateTimeField(_("time"), db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.VISIT)
    person_name = models.CharField(_("visitor or caller"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="reception_entries")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    content = models.TextField(_("matter"))
    answer = models.TextField(_("answer given"), blank=True)
    referred_to = models.CharField(_("passed on as"), max_length=100, blank=True,
                                   help_text=_("e.g. the work order or complaint number it was registered as"))
    status = FSMField(_("status"), max_length=16, choices=Status.choices, default=Status.ANSWERED, protected=True)
    promised_reply_at = models.DateTimeField(_("promised reply by"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        # Translators: 来访来电登记表
        verbose_name = _("visitor and call log entry")
        verbose_name_plural = _("visitor and call log")
        indexes = [models.Index(fields=["site", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.person_name}"

    def get_absolute_url(self) -> str:
        return reverse("reception:entry_detail", args=[self.pk])

    @transition(field=status, source=Status.ANSWERED, target=Status.AWAITING_REPLY)
    def promise(self, *, due_at) -> None:
        self.promised_reply_at = due_at

    @transition(field=status, source=Status.AWAITING_REPLY, target=Status.REPLIED)
    def give_reply(self, *, reply: str, at, by) -> None:
        self.reply = reply
        self.replied_at = at
        self.replied_by = by


class WorkLog(BaseModel):
    """工作日志: one shift's log at the service center (RC-02)."""

    class Shift(models.TextChoices):
        DAY = "day", _("Day shift")  # 白班
        NIGHT = "night", _("Night shift")  # 夜班

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="work_logs")
    date = models.DateField(_("date"), db_index=True)
    shift = models.CharField(_("shift"), max_length=8, choices=Shift.choices, default=Shift.DAY)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT,
                               related_name="+")
    content = models.TextField(_("work done"))

    class Meta:
        ordering = ["-date", "-created_at"]
        # Translators: 工作日志
        verbose_name = _("work log")
        verbose_name_plural = _("work logs")

    def __str__(self) -> str:
        return f"{self.date} {self.get_shift_display()}"

    def get_absolute_url(self) -> str:
        return reverse("reception:worklog_detail", args=[self.pk])


class HandoverItem(BaseModel):
    """A matter handed over to the next shift or to security, acknowledged by them (RC-02)."""

    class Target(models.TextChoices):
        NEXT_SHIFT = "next_shift", _("Next shift")  # 下一班
        SECURITY = "security", _("Security")  # 保安

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    log = models.ForeignKey(WorkLog, verbose_name=_("work log"), on_delete=models.PROTECT, related_name="handovers")
    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("matter handed over"))
    target = models.CharField(_("handed over to"), max_length=12, choices=Target.choices,
                              default=Target.NEXT_SHIFT)
    status = FSMField(_("status"), max_length=14, choices=Status.choices, default=Status.OPEN, protected=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")

    def __str__(self) -> str:
        return self.text[:40]

    @transition(field=status, source=Status.OPEN, target=Status.ACKNOWLEDGED)
    def acknowledge(self, *, by, at, note: str = "") -> None:
        self.acknowledged_by = by
        self.acknowledged_at = at
        self.ack_note = note
