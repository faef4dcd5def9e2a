"""Who may do what in the registry (SPEC §0, X-02). Views and templates ask; services re-check."""

from __future__ import annotations

from core.roles import COMPANY_ROLES, Role, is_company_level, user_roles

# Keep residents and units up to date: the front line of the service center.
REGISTRY_EDITORS = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR,
                    Role.CENTER_HEAD, Role.SITE_DIRECTOR)
# Structure of a site (zones, buildings, departments), imports, the roster, staff, full ID numbers.
SITE_MANAGERS = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)


def _own_site(user, site_id: int | None) -> bool:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return bool(staff and staff.is_active and site_id and staff.site_id == site_id)


def _site_id(obj) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else getattr(obj, "site_id", None) or getattr(obj, "pk", None)


def _at_site(user, site, roles) -> bool:
    if is_company_level(user):
        return True
    return bool(user_roles(user) & {str(r) for r in roles}) and _own_site(user, _site_id(site))


def can_manage_sites(user) -> bool:
    return is_company_level(user)


def can_edit_registry(user, site) -> bool:
    """Units and residents of `site` (a Site, a site id or a record with site_id)."""
    return _at_site(user, site, REGISTRY_EDITORS)


def can_manage_structure(user, site) -> bool:
    """Zones, buildings, departments, imports."""
    return _at_site(user, site, SITE_MANAGERS)


def can_manage_staff(user, site) -> bool:
    """Only the CS supervisor, center head or site director of that site, or company roles."""
    return _at_site(user, site, SITE_MANAGERS)


def can_keep_roster(user, site) -> bool:
    return _at_site(user, site, SITE_MANAGERS)


def can_reveal_id_number(user, site) -> bool:
    """CS supervisor and above see a full ID number, on an explicit action that is recorded."""
    return _at_site(user, site, SITE_MANAGERS)


def can_grant_role(user, role: str) -> bool:
    """Company roles are granted only by company-level users."""

    return is_company_level(user) or role not in COMPANY_ROLES
