"""SPEC T-18: an approval or sign-off given by the named role in their own login, or recorded as given
on paper with the signed form scanned and the recorder named. Generic (core knows no domain): the
subject is a generic relation, the kind is a code an app registers in its `approvals.py`
(`core.approvals.register`). Imported by `core.models` so Django finds the tables.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import EventBase


class ApprovalRequest(models.Model):
    # Translators: 审批 — a request for a named role's approval or signature
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the decision")  # 待审批
        APPROVED = "approved", _("Approved")  # 已批准 (in own login or on paper with the scan)
        DECLINED = "declined", _("Declined")  # 未批准, with the note
        CANCELLED = "cancelled", _("Withdrawn")  # 已撤回, with the reason (nothing is deleted, X-01)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=60)
    role = models.CharField(_("role that decides"), max_length=30)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    summary = models.CharField(_("what is to be approved"), max_length=300)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # the person who decided: themselves in their own login, or the signer of the paper form
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("decision note"), blank=True)
    on_paper = models.BooleanField(_("given on paper"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    scan = models.FileField(_("scan of the signed form"), upload_to="approvals/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        indexes = [
            models.Index(fields=["site", "role", "requested_at"], name="approval_pending",
                         condition=Q(status="pending")),
            models.Index(fields=["subject_type", "subject_id"], name="approval_subject"),
        ]
        constraints = [
            # a paper approval always has its scan and its recorder (SPEC T-18)
            models.CheckConstraint(condition=Q(on_paper=False) | (~Q(scan="") & Q(recorded_by__isnull=False)),
                                   name="approval_paper_has_scan"),
        ]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("core:approval_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ApprovalEvent(EventBase):
    """History of a request (SPEC X-01): requested, approved, declined, recorded on paper, withdrawn."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved in own login")
        DECLINED = "declined", _("Declined in own login")
        PAPER = "paper", _("Recorded as signed on paper")
        CANCELLED = "cancelled", _("Withdrawn")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="events")
    subject_field = "request"
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)

    class Meta(EventBase.Meta):
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
