"""Registry use cases (SPEC O-01..O-03, X-01): services write, each re-checks permission."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Role, user_roles
from core.service_kit import history_note, require
from core.uploads import DOCUMENT_KINDS, check_file
from estates import permissions as perms
from estates.models import (
    Building,
    Department,
    DutyShift,
    RegistryEvent,
    Resident,
    Site,
    Staff,
    Unit,
    UnitDocument,
    Zone,
)


def registry_event(obj, *, kind: str, actor: User | None = None, note: str = "", data: dict | None = None,
                   now: datetime | None = None) -> RegistryEvent:
    site_id = obj.pk if isinstance(obj, Site) else getattr(obj, "site_id", None)
    return RegistryEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, site_id=site_id,
        at=now or timezone.now(), actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind, note=note, data=data or {})


def _require(ok: bool) -> None:
    require(ok, _("You are not allowed to do this."))


def _may_save(actor: User, instance) -> bool:
    if isinstance(instance, Site):
        return perms.can_manage_sites(actor)
    if isinstance(instance, Zone | Building | Department):
        return perms.can_manage_structure(actor, instance.site_id)
    if isinstance(instance, Unit | Resident):
        return perms.can_edit_registry(actor, instance.site_id)
    if isinstance(instance, Staff):
        return perms.can_manage_staff(actor, instance.site_id)
    return False


@transaction.atomic
def registry_record_save(*, instance, actor: User, reason: str = ""):
    """Create or change a site, zone, building, unit, resident, department or staff row.

    simple-history keeps who, when and before → after (SPEC X-01)."""
    _require(_may_save(actor, instance))
    if isinstance(instance, Resident) and instance.unit.site_id != instance.site_id:
        raise DomainError(_("The unit belongs to another site."), code="site_mismatch")
    if isinstance(instance, Unit) and instance.building.site_id != instance.site_id:
        raise DomainError(_("The building belongs to another site."), code="site_mismatch")
    history_note(instance, user=actor if getattr(actor, "is_authenticated", False) else None, reason=reason)
    instance.full_clean(validate_unique=True)
    instance.save()
    return instance


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason."), code="reason_required")
    return reason


@transaction.atomic
def unit_archive(*, unit: Unit, actor: User, reason: str, now: datetime | None = None) -> Unit:
    _require(perms.can_manage_structure(actor, unit.site_id))
    reason = _reason(reason)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.archived, unit.archived_reason = True, reason
    history_note(unit, user=actor, reason=reason)
    unit.save(update_fields=["archived", "archived_reason", "updated_at"])
    registry_event(unit, kind=RegistryEvent.Kind.ARCHIVED, actor=actor, note=reason, now=now)
    return unit


@transaction.atomic
def resident_move_out(*, resident: Resident, actor: User, reason: str, now: datetime | None = None) -> Resident:
    """Residents are never deleted: marked moved-out with a reason (SPEC X-01)."""
    _require(perms.can_edit_registry(actor, resident.site_id))
    reason = _reason(reason)
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    if not resident.is_active:
        raise DomainError(_("This resident has already moved out."), code="already_moved_out")
    resident.is_active, resident.moved_out_reason = False, reason
    history_note(resident, user=actor, reason=reason)
    resident.save(update_fields=["is_active", "moved_out_reason", "updated_at"])
    registry_event(resident, kind=RegistryEvent.Kind.MOVED_OUT, actor=actor, note=reason, now=now)
    return resident


@transaction.atomic
def resident_reveal_id_number(*, resident: Resident, actor: User, now: datetime | None = None) -> str:
    """The full ID number, for CS supervisor and above; every look is recorded (SPEC §0, X-01)."""
    _require(perms.can_reveal_id_number(actor, resident.site_id))
    registry_event(resident, kind=RegistryEvent.Kind.ID_REVEALED, actor=actor, now=now)
    return resident.id_number


# ---- staff -----------------------------------------------------------------------------------------

def _check_roles(actor: User, roles) -> list[str]:
    roles = [str(r) for r in roles]
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise DomainError(_("Unknown role."), code="unknown_role")
    if not all(perms.can_grant_role(actor, r) for r in roles):
        raise DomainError(_("Only head office may grant company roles."), code="not_allowed")
    return roles


@transaction.atomic
def staff_create(*, actor: User, site: Site | None, username: str, password: str, name: str, phone: str = "",
                 employee_no: str = "", department: Department | None = None, zone: Zone | None = None,
                 roles=(), email: str = "") -> Staff:
    _require(perms.can_manage_staff(actor, site.pk if site else None) if site else perms.can_manage_sites(actor))
    roles = _check_roles(actor, roles)
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise DomainError(_("This login name is taken."), code="username_taken")
    user = User(username=username, email=email or f"{username}@propserv.local")
    user.set_password(password)
    user.save()
    staff = Staff(user=user, site=site, name=name, phone=phone, employee_no=employee_no, department=department,
                  zone=zone)
    registry_record_save(instance=staff, actor=actor)
    if roles:
        user.groups.set(Group.objects.filter(name__in=roles))
        registry_event(staff, kind=RegistryEvent.Kind.ROLES_CHANGED, actor=actor,
                       data={"changes": {_("roles"): ["", _role_labels(roles)]}})
    return staff


def _role_labels(codes) -> str:
    return "、".join(str(Role(c).label) for c in sorted(codes))


@transaction.atomic
def staff_set_roles(*, staff: Staff, roles, actor: User) -> Staff:
    _require(perms.can_manage_staff(actor, staff.site_id) if staff.site_id else perms.can_manage_sites(actor))
    new = set(_check_roles(actor, roles))
    old = set(staff.user.groups.values_list("name", flat=True))
    if new == old:
        return staff
    # A site user cannot take away a company role either.
    _check_roles(actor, old ^ new)
    staff.user.groups.set(Group.objects.filter(name__in=new))
    staff.user.__dict__.pop("_role_codes", None)
    registry_event(staff, kind=RegistryEvent.Kind.ROLES_CHANGED, actor=actor,
                   data={"changes": {_("roles"): [_role_labels(old), _role_labels(new)]}})
    return staff


@transaction.atomic
def staff_set_active(*, staff: Staff, active: bool, actor: User, reason: str = "") -> Staff:
    """Staff are deactivated, never deleted; a deactivated login cannot sign in."""
    _require(perms.can_manage_staff(actor, staff.site_id) if staff.site_id else perms.can_manage_sites(actor))
    reason = _reason(reason) if not active else reason
    if staff.user_id == getattr(actor, "pk", None) and not active:
        raise DomainError(_("You cannot deactivate yourself."), code="self")
    staff = Staff.objects.select_for_update().select_related("user").get(pk=staff.pk)
    if staff.is_active == active:
        return staff
    staff.is_active = active
    history_note(staff, user=actor, reason=reason)
    staff.save(update_fields=["is_active", "updated_at"])
    staff.user.is_active = active
    staff.user.save(update_fields=["is_active"])
    registry_event(staff, kind=RegistryEvent.Kind.REACTIVATED if active else RegistryEvent.Kind.DEACTIVATED,
                   actor=actor, note=reason)
    return staff


# ---- documents (SPEC O-02, X-03) ------------------------------------------------------------------

_EXT_ALIASES = {"jpeg": "jpg"}


def validate_upload(upload):
    """Judged by content in core.uploads (images re-encoded without EXIF); here the name must also agree.
    Raises DomainError (code "file_type" / "file_size") with a message for the file field."""
    checked = check_file(upload, DOCUMENT_KINDS)
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    ext = _EXT_ALIASES.get(ext, ext)
    same = ext == checked.ext or (ext in ("jpg", "png", "webp", "gif") and checked.ext in ("jpg", "png"))
    if not same:
        raise DomainError(_("Only PDF, JPG, PNG, DOCX and XLSX files are accepted, and the content must match "
                            "the file name."), code="file_type")
    return checked


@transaction.atomic
def unit_document_add(*, unit: Unit, doc_type: str, upload, actor: User, title: str = "",
                      now: datetime | None = None) -> UnitDocument:
    _require(perms.can_edit_registry(actor, unit.site_id))
    checked = validate_upload(upload)
    doc = UnitDocument(unit=unit, site_id=unit.site_id, doc_type=doc_type, title=title,
                       original_name=upload.name[:200], content_type=checked.content_type,
                       size=checked.size, uploaded_by=actor)
    doc.file.save(checked.name, checked, save=False)
    history_note(doc, user=actor)
    doc.save()
    registry_event(unit, kind=RegistryEvent.Kind.DOCUMENT_ADDED, actor=actor,
                   note=f"{doc.get_doc_type_display()}: {doc.original_name}", now=now)
    return doc


@transaction.atomic
def unit_document_void(*, document: UnitDocument, actor: User, reason: str,
                       now: datetime | None = None) -> UnitDocument:
    _require(perms.can_edit_registry(actor, document.site_id))
    reason = _reason(reason)
    document = UnitDocument.objects.select_for_update().get(pk=document.pk)
    if document.voided:
        raise DomainError(_("This document is already voided."), code="already_voided")
    document.voided, document.void_reason = True, reason
    history_note(document, user=actor, reason=reason)
    document.save(update_fields=["voided", "void_reason", "updated_at"])
    registry_event(document.unit, kind=RegistryEvent.Kind.DOCUMENT_VOIDED, actor=actor,
                   note=f"{document.original_name}: {reason}", now=now)
    return document


# ---- duty roster (SPEC O-03) ----------------------------------------------------------------------

FRONT_DESK_CAPABLE = (Role.FRONT_DESK.value, Role.CS_SUPERVISOR.value, Role.ZONE_STAFF.value)


@transaction.atomic
def duty_shift_add(*, site: Site, staff: Staff, day: date, start: time, end: time, actor: User) -> DutyShift:
    _require(perms.can_keep_roster(actor, site.pk))
    if staff.site_id != site.pk or not staff.is_active:
        raise DomainError(_("Choose an active staff member of this site."), code="staff_site")
    if end <= start:
        raise DomainError(_("The shift must end after it starts."), code="shift_times")
    if not user_roles(staff.user) & set(FRONT_DESK_CAPABLE):
        raise DomainError(_("Only customer-service staff can keep the front desk."), code="staff_role")
    overlap = DutyShift.objects.filter(site=site, staff=staff, date=day, cancelled=False, start__lt=end,
                                       end__gt=start).exists()
    if overlap:
        raise DomainError(_("This person already has a shift at that time."), code="overlap")
    shift = DutyShift(site=site, staff=staff, date=day, start=start, end=end)
    history_note(shift, user=actor)
    shift.save()
    return shift


@transaction.atomic
def duty_shift_cancel(*, shift: DutyShift, actor: User, reason: str) -> DutyShift:
    _require(perms.can_keep_roster(actor, shift.site_id))
    reason = _reason(reason)
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    shift.cancelled, shift.cancel_reason = True, reason
    history_note(shift, user=actor, reason=reason)
    shift.save(update_fields=["cancelled", "cancel_reason", "updated_at"])
    registry_event(shift, kind=RegistryEvent.Kind.SHIFT_CANCELLED, actor=actor, note=reason)
    return shift
