"""The places of the registry (SPEC §0, O-01): company, sites, zones, buildings and units."""

from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import numbers
from core.models import BaseModel
from estates.validators import validate_room

MIN_FLOOR, MAX_FLOOR = -10, 300  # basements to the tallest residential towers


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
