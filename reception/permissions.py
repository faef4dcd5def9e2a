from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

RECEPTION = (Role.FRONT_DESK, Role.CS_SUPERVISOR, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CENTER_HEAD,
             Role.SITE_DIRECTOR)
SECURITY = (Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER)


def at_site(user: Any, site_id: int) -> bool:
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_register(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *RECEPTION)


def can_write_log(user: Any, site_id: int) -> bool:
    return at_site(user, site_id) and has_role(user, *RECEPTION, *SECURITY)


def can_acknowledge(user: Any, item: Any) -> bool:
    """RC-02: the next shift (reception staff, not the author) or security for items handed to security."""
    if not at_site(user, item.site_id) or item.log.author_id == user.pk:
        return False
    if item.target == "security":
        return has_role(user, *SECURITY, Role.CS_SUPERVISOR)
    return has_role(user, *RECEPTION)
