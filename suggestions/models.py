"""Suggestions (合理化建议, SPEC C-15): recorded like complaints without a handling deadline; the site
director decides within 5 working days; an adopted one gets a tracked rectification and a notice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import BaseModel, EventBase


class Suggestion(BaseModel):
    class Channel(models.TextChoices):
        VISIT = "visit", _("In person")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter / message")
        BOX = "box", _("Suggestion box")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the director")  # recorded, decision due in 5 working days
        ADOPTED = "adopted", _("Adopted, being put into effect")  # rectification open
        DONE = "done", _("Adopted and put into effect")  # rectification done, final
        NOT_ADOPTED = "not_adopted", _("Not adopted")  # final, with the reason

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="suggestions")
    number = models.CharField(_("number"), max_length=30)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.VISIT)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("estates.Resident", verbose_name=_("resident"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="suggestions")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="suggestions")
    name = models.CharField(_("suggested by"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("suggestion"))
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, protected=True)
    # the director's decision
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # the rectification of an adopted suggestion
    action = models.TextField(_("what will be done"), blank=True)
    owner = models.ForeignKey("estates.Staff", verbose_name=_("responsible"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("to be done by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    # the resident told of the decision
    told_at = models.DateTimeField(_("resident told"), null=True, blank=True)
    told_how = models.CharField(_("how the resident was told"), max_length=100, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="suggestion_number_site")]
        indexes = [models.Index(fields=["site", "status"], name="suggestion_site_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("suggestions:detail", args=[self.pk])

    @transition(field=status, source=Status.PENDING, target=Status.ADOPTED)
    def adopt(self, *, at, by, reason, action, owner, due_date) -> None:
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason
        self.action, self.owner, self.due_date = action, owner, due_date

    @transition(field=status, source=Status.PENDING, target=Status.NOT_ADOPTED)
    def reject(self, *, at, by, reason) -> None:
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason

    @transition(field=status, source=Status.ADOPTED, target=Status.DONE)
    def complete(self, *, at, note) -> None:
        self.done_at, self.done_note = at, note


class SuggestionEvent(EventBase):
    class Kind(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        DONE = "done", _("Rectification done")
        TOLD = "told", _("Resident told")
        DECISION_OVERDUE = "decision_overdue", _("Decision overdue")

    subject_field = "suggestion"
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
