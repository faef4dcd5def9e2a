"""The people of the registry (SPEC §0, O-03): residents, departments, staff and their duty shifts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import BaseModel
from core.validators import validate_phone
from estates.models.places import Site, Unit, Zone

# issue 13.4: one phone rule (core.validators), the same in every form and import
phone_validator = validate_phone


def mask_id_number(n: str) -> str:
    """SPEC §0: first 3 and last 4 shown, the rest starred."""
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


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
