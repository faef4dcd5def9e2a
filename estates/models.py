"""The registry (SPEC §0, O-01..O-03): sites, zones, buildings, units, residents, departments, staff."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import numbers
from core.models import BaseModel
from core.validators import validate_phone
from estates.validators import validate_room

# issue 13.4: one phone rule (core.validators), the same in every form and import
phone_validator = validate_phone


MIN_FLOOR, MAX_FLOOR = -10, 300  # basements to the tallest residential towers


def mask_id_number(n: str) -> str:
    """SPEC §0: first 3 and last 4 shown, the rest starred."""
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


class Company(BaseModel):
    name = models.CharField(_("name"), max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class Site(BaseModel):
    # Translators: 管理处 / 小区 — one estate with its own service center
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("Short code, e.g. SSTY."))
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service center phone"), max_length=30, blank=True)
    office_open = models.TimeField(_("office opens"), default=time(8, 30))  # SPEC W-01
    office_close = models.TimeField(_("office closes"), default=time(18, 0))
    households = models.PositiveIntegerField(_("households"), default=0, validators=[MaxValueValidator(1_000_000)],
                                             help_text=_("For rates per 100 households; 0 = count the units."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.CheckConstraint(condition=models.Q(households__lte=1_000_000),
                                              name="site_households_bounds")]  # issue 13.3

    def __str__(self) -> str:
        return self.name


class Zone(BaseModel):
    # Translators: 片区
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(_("name"), max_length=60)
    manager = models.ForeignKey("Staff", verbose_name=_("zone manager"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="managed_zones")
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="zone_name_per_site")]

    def __str__(self) -> str:
        return self.name


class Building(BaseModel):
    # Translators: 楼栋
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="buildings")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="buildings")
    number = models.CharField(_("building number"), max_length=10)
    name = models.CharField(_("name"), max_length=60, blank=True)
    floors = models.PositiveSmallIntegerField(_("floors"), default=0, validators=[MaxValueValidator(MAX_FLOOR)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "number"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="building_number_per_site"),
                       models.CheckConstraint(condition=models.Q(floors__lte=MAX_FLOOR),
                                              name="building_floors_bounds")]  # issue 13.3

    def __str__(self) -> str:
        return self.name or _("Building %(n)s") % {"n": self.number}


class Unit(BaseModel):
    # Translators: 房号 — a flat, identified like 3-2-1502 (building-entrance-room)
    class Occupancy(models.TextChoices):
        OCCUPIED = "occupied", _("Occupied")
        VACANT = "vacant", _("Vacant")
        NOT_MOVED_IN = "not_moved_in", _("Handed over, not moved in")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="units")
    entrance = models.CharField(_("entrance"), max_length=10)
    room = models.CharField(_("room"), max_length=10, validators=[validate_room])  # issue 13.4: not 15O2
    code = models.CharField(pgettext_lazy("flat", "unit"), max_length=32, validators=[
        RegexValidator(r"^[0-9A-Za-z]+-[0-9A-Za-z]+-[0-9A-Za-z]+$", _("Use building-entrance-room, e.g. 3-2-1502."))])
    floor = models.SmallIntegerField(_("floor"), default=0,
                                     validators=[MinValueValidator(MIN_FLOOR), MaxValueValidator(MAX_FLOOR)])
    # 0 = not known (an import without areas); a form asks for more than 0 (issue 13.4)
    area = models.DecimalField(_("floor area (m²)"), max_digits=8, decimal_places=2, default=0,
                               validators=numbers.AREA.validators())
    occupancy = models.CharField(_("occupancy"), max_length=16, choices=Occupancy.choices, default=Occupancy.OCCUPIED)
    notes = models.TextField(_("notes"), blank=True)
    archived = models.BooleanField(_("archived"), default=False)
    archived_reason = models.CharField(_("reason archived"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "code"]
        verbose_name = pgettext_lazy("flat", "unit")
        verbose_name_plural = pgettext_lazy("flat", "units")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="unit_code_per_site"),
                       # issue 13.3: the database backs the bounds
                       numbers.AREA.constraint("area", "unit_area_bounds"),
                       models.CheckConstraint(condition=models.Q(floor__gte=MIN_FLOOR, floor__lte=MAX_FLOOR),
                                              name="unit_floor_bounds")]
        indexes = [models.Index(fields=["site", "code"], name="unit_site_code")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("estates:unit_detail", args=[self.pk])

    @property
    def zone_id(self) -> int | None:
        return self.building.zone_id


class Resident(BaseModel):
    # Translators: 业主 / 住户
    class Kind(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        MEMBER = "member", _("Household member")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="residents")
    unit = models.ForeignKey(Unit, verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="residents")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OWNER)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator], db_index=True)
    phone2 = models.CharField(_("second phone"), max_length=20, blank=True, validators=[phone_validator])
    id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    move_in_date = models.DateField(_("move-in date"), null=True, blank=True)
    relation = models.CharField(_("relation to owner"), max_length=30, blank=True)
    is_active = models.BooleanField(_("lives here"), default=True)
    moved_out_reason = models.CharField(_("reason moved out"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit__code", "kind", "name"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["site", "name"], name="resident_site_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("estates:unit_detail", args=[self.unit_id])

    @property
    def id_number_masked(self) -> str:
        """SPEC §0: the ID number is masked on screen (first 3 and last 4 shown)."""
        return mask_id_number(self.id_number)


class Department(BaseModel):
    class Kind(models.TextChoices):
        CUSTOMER_SERVICE = "cs", _("Customer service")  # 客服
        ENGINEERING = "engineering", _("Engineering")  # 工程维修
        SECURITY = "security", _("Order and security")  # 秩序维护 / 安保
        CLEANING = "cleaning", _("Cleaning")  # 保洁
        GREENING = "greening", _("Greening")  # 绿化
        FINANCE = "finance", _("Finance")  # 财务
        CONTRACTOR = "contractor", _("Special contractor")  # 特约工程队 (T-12)
        DEVELOPER = "developer", _("Developer")  # 开发商 (T-16)

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "kind", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="department_name_per_site")]

    def __str__(self) -> str:
        return self.name


class Staff(BaseModel):
    """An employee. `site` empty = company level (head office). Roles are the user's Groups."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("login"), on_delete=models.PROTECT,
                                related_name="staff")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="staff")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    employee_no = models.CharField(_("employee number"), max_length=20, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="staff")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="staff")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.name


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


class DutyShift(BaseModel):
    """One front-desk duty shift (SPEC O-03, 值班表)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="duty_shifts")
    staff = models.ForeignKey(Staff, verbose_name=_("on duty"), on_delete=models.PROTECT, related_name="duty_shifts")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason cancelled"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "date", "start"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        indexes = [models.Index(fields=["site", "date"], name="duty_shift_site_date")]
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="duty_shift_end_after_start")]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M} {self.staff}"


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
