"""The registry's records (SPEC O-01, O-02, X-01): its events, the resident file's documents, imports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import BaseModel
from estates.models.places import Site, Unit


class RegistryEvent(models.Model):
    """Facts simple-history cannot see (SPEC X-01): role changes, an ID number shown, moved out,
    deactivated, archived, documents added or voided. Append-only, one table for every registry record."""

    class Kind(models.TextChoices):
        ID_REVEALED = "id_revealed", _("ID number shown")
        ROLES_CHANGED = "roles_changed", _("Roles changed")
        MOVED_OUT = "moved_out", _("Moved out")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        ARCHIVED = "archived", _("Archived")
        DOCUMENT_ADDED = "document_added", _("Document added")
        DOCUMENT_VOIDED = "document_voided", _("Document voided")
        SHIFT_CANCELLED = "shift_cancelled", _("Shift cancelled")
        IMPORTED = "imported", _("Imported")

    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("event"), max_length=40, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("registry event")
        verbose_name_plural = _("registry events")
        indexes = [models.Index(fields=["content_type", "object_id"], name="registry_event_subject")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise ValueError("History is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History is append-only.")


def _document_path(instance: UnitDocument, filename: str) -> str:

    # Never the user's file name on disk: the original is kept in `original_name`.
    return f"unit_documents/{instance.site_id}/{uuid.uuid4().hex}"


class UnitDocument(BaseModel):
    """A document in the resident file (SPEC O-02), downloaded only through an access-checked view."""

    class DocType(models.TextChoices):
        MOVE_IN = "move_in", _("Move-in sign-off")  # 入住交接单
        AGREEMENT = "agreement", _("Agreement")  # 协议
        RENOVATION = "renovation", _("Renovation papers")  # 装修资料
        ID_COPY = "id_copy", _("ID copy")  # 身份证复印件
        OTHER = "other", _("Other")

    unit = models.ForeignKey(Unit, verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="documents")
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(_("document type"), max_length=16, choices=DocType.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    voided = models.BooleanField(_("voided"), default=False)
    void_reason = models.CharField(_("reason voided"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "-created_at"]
        verbose_name = _("unit document")
        verbose_name_plural = _("unit documents")

    def __str__(self) -> str:
        return self.title or self.original_name


class ImportJob(BaseModel):
    """A bulk import of units or residents (SPEC O-01): preview, then applied with progress."""

    class Kind(models.TextChoices):
        UNITS = "units", _("Units")
        RESIDENTS = "residents", _("Residents")

    class Status(models.TextChoices):
        MAPPING = "mapping", _("Columns to be matched")  # issue 13.5: headers not recognised
        PREVIEW = "preview", _("Checked, waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    good_rows = models.PositiveIntegerField(_("good rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # a units file with owners' columns also imports the owners (issue 13.5)
    residents_created = models.PositiveIntegerField(_("residents created"), default=0)
    residents_updated = models.PositiveIntegerField(_("residents updated"), default=0)
    # {"headers": [the file's header texts], "header_row": 1, "mapping": {"room": 2, ...}} (issue 13.5)
    layout = models.JSONField(_("columns"), default=dict, blank=True)
    # [{"row": 3, "column": "房号", "message": "..."}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    failure = models.TextField(_("failure"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.good_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.good_rows))
