"""Site isolation in one place (SPEC X-02): every list a view shows starts from these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from core.roles import COMPANY_ROLES, is_company_level
from estates.models import (
    Building,
    Department,
    DutyShift,
    ImportJob,
    RegistryEvent,
    Resident,
    Site,
    Staff,
    Unit,
    UnitDocument,
    Zone,
    mask_id_number,
)


def site_ids_visible_to(user) -> list[int]:
    """Company roles and superusers see all sites; everyone else only their own."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_visible_site_ids", None)
    if cached is not None:
        return cached
    if is_company_level(user):
        ids = list(Site.objects.values_list("pk", flat=True))
    else:
        staff = Staff.objects.filter(user=user, is_active=True).only("site_id").first()
        ids = [staff.site_id] if staff and staff.site_id else []
    user._visible_site_ids = ids
    return ids


def visible(qs: QuerySet, user, field: str = "site_id") -> QuerySet:
    """Restrict any site-owned queryset to what `user` may see."""
    return qs.filter(**{f"{field}__in": site_ids_visible_to(user)})


def site_office_hours(site_id: int) -> tuple | None:
    """(office_open, office_close) of a site (SPEC W-01), None for an unknown site."""
    return Site.objects.filter(pk=site_id).values_list("office_open", "office_close").first()


def site_list_visible_to(user) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=site_ids_visible_to(user))


def zone_list_visible_to(user) -> QuerySet[Zone]:
    return visible(Zone.objects.select_related("site", "manager"), user)


def building_list_visible_to(user) -> QuerySet[Building]:
    return visible(Building.objects.select_related("site", "zone"), user)


def unit_list_visible_to(user) -> QuerySet[Unit]:
    return visible(Unit.objects.select_related("site", "building__zone"), user)


def resident_list_visible_to(user) -> QuerySet[Resident]:
    return visible(Resident.objects.select_related("unit", "site"), user)


def department_list_visible_to(user) -> QuerySet[Department]:
    return visible(Department.objects.select_related("site"), user)


def staff_list_visible_to(user) -> QuerySet[Staff]:
    return visible(Staff.objects.select_related("site", "department", "zone", "user"), user)


def users_with_roles(*, site_id: int | None, roles: Iterable[str]) -> QuerySet:
    """Active users holding any of `roles` at the site; company roles are found company-wide."""

    roles = list(roles)
    User = get_user_model()
    site_roles = [r for r in roles if r not in COMPANY_ROLES]
    company_roles = [r for r in roles if r in COMPANY_ROLES]
    qs = User.objects.none()
    if site_roles and site_id is not None:  # a site role is held at a site
        qs = qs | User.objects.filter(is_active=True, groups__name__in=site_roles, staff__site_id=site_id,
                                      staff__is_active=True)
    if company_roles:
        qs = qs | User.objects.filter(is_active=True, groups__name__in=company_roles, staff__is_active=True)
    return qs.distinct()


def staff_of(user) -> Staff | None:
    return Staff.objects.filter(user=user).select_related("site", "department", "zone").first() \
        if getattr(user, "is_authenticated", False) else None


def unit_search(qs: QuerySet[Unit], q: str) -> QuerySet[Unit]:
    """`3-2-1502` prefix, resident name or phone (SPEC O-01)."""

    q = q.strip()
    if not q:
        return qs
    residents = Resident.objects.filter(unit=OuterRef("pk")).filter(Q(name__contains=q) | Q(phone__contains=q)
                                                                    | Q(phone2__contains=q))
    return qs.filter(Q(code__startswith=q) | Exists(residents))


def document_list_visible_to(user) -> QuerySet:

    return visible(UnitDocument.objects.select_related("unit", "uploaded_by"), user)


def duty_shift_list_visible_to(user) -> QuerySet:

    return visible(DutyShift.objects.select_related("staff"), user)


def import_job_list_visible_to(user) -> QuerySet:

    return visible(ImportJob.objects.select_related("site"), user)


def registry_history(obj) -> list[dict]:
    """Timeline of one registry record (SPEC X-01): simple-history diffs merged with RegistryEvents.

    Each entry: {"at", "actor", "kind", "note", "changes": [(label, before, after)]}.
    """


    entries: list[dict] = []
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    prev = None
    for rec in records:
        changes: list[tuple[str, str, str]] = []
        if prev is not None:
            delta = rec.diff_against(prev)
            for change in delta.changes:
                if change.field in ("updated_at", "created_at"):
                    continue
                changes.append((_field_label(obj, change.field), _display(obj, change.field, change.old),
                                _display(obj, change.field, change.new)))
        kind = {"+": _("Created"), "~": _("Changed"), "-": _("Removed")}.get(rec.history_type, rec.history_type)
        if prev is None or changes or rec.history_type != "~":
            entries.append({"at": rec.history_date, "actor": rec.history_user, "kind": kind,
                            "note": rec.history_change_reason or "", "changes": changes})
        prev = rec
    ct = ContentType.objects.get_for_model(obj)
    for ev in RegistryEvent.objects.filter(content_type=ct, object_id=obj.pk).select_related("actor"):
        entries.append({"at": ev.at, "actor": ev.actor, "kind": ev.get_kind_display(), "note": ev.note,
                        "changes": [(k, v[0], v[1]) for k, v in (ev.data.get("changes") or {}).items()]})
    entries.sort(key=lambda e: e["at"])
    return entries


def _field_label(obj, name: str) -> str:
    try:
        return str(obj._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _display(obj, name: str, value) -> str:
    """Choices shown by label, FKs by the related object, the ID number masked."""
    if value in (None, ""):
        return ""
    try:
        field = obj._meta.get_field(name)
    except Exception:
        return str(value)
    if name == "id_number":

        return mask_id_number(str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else str(value)
    if isinstance(value, bool):

        return _("yes") if value else _("no")
    return str(value)


# ---- the unit lookup of the registration forms (issue 20.3: work orders and complaints share it)

def unit_natural_order(qs: QuerySet[Unit]) -> QuerySet[Unit]:
    """Building, entrance and room in numeric order: 3-2-103 before 3-2-1003 (shorter numbers first)."""
    return qs.order_by(Length("building__number"), "building__number", Length("entrance"), "entrance",
                       Length("room"), "room")


_KIND_ORDER = Case(When(kind=Resident.Kind.OWNER, then=0), When(kind=Resident.Kind.TENANT, then=1), default=2)


def unit_lookup(user, q: str, *, limit: int = 8) -> tuple[list[Unit], list[Resident]]:
    """Units whose code starts with `q` (natural order, with their occupants' names) and residents whose
    name or phone starts with it, in the sites `user` may see."""
    q = (q or "").strip()
    if not q:
        return [], []
    site_ids = site_ids_visible_to(user)
    units: list[Unit] = list(unit_natural_order(Unit.objects.filter(site_id__in=site_ids, archived=False,
                                                                  code__startswith=q))
                 .prefetch_related(Prefetch("residents", Resident.objects.filter(is_active=True)
                                            .order_by(_KIND_ORDER, "name"), to_attr="household"))[:limit])
    residents = [] if q[0].isdigit() and "-" in q else list(
        Resident.objects.filter(site_id__in=site_ids, is_active=True)
        .filter(Q(name__startswith=q) | Q(phone__startswith=q)).select_related("unit")[:limit])
    return units, residents


def unit_household(user, unit_id) -> tuple[Unit | None, list[Resident]]:
    """A visible unit and the people who live there: owner first, then tenants, then household members."""
    unit = visible(Unit.objects.all(), user).filter(pk=unit_id).first() if str(unit_id or "").isdigit() else None
    if unit is None:
        return None, []
    return unit, list(unit.residents.filter(is_active=True).order_by(_KIND_ORDER, "name"))


def unit_example_code(site_ids: Iterable[int]) -> str:
    """A real unit of the site for a form's help text (the first in natural order), "" when it has none."""
    unit = unit_natural_order(Unit.objects.filter(site_id__in=list(site_ids), archived=False)).only("code").first()
    return unit.code if unit else ""
