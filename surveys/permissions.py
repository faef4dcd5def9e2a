"""Who may do what with surveys (re-checked in services)."""

from __future__ import annotations

from typing import Any

from core.roles import Role, has_role, is_company_level
from estates.selectors import site_ids_visible_to

ORGANISERS = (Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)
ENTRY = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD,
         Role.SITE_DIRECTOR)


def at_site(user: Any, site_id: int | None) -> bool:
    if site_id is None:
        return is_company_level(user)
    return is_company_level(user) or site_id in site_ids_visible_to(user)


def can_organise(user: Any, site_id: int | None) -> bool:
    """Propose campaigns, open them, print forms, edit questionnaires, track actions."""
    if site_id is None:
        return is_company_level(user) or has_role(user, *ORGANISERS)
    return at_site(user, site_id) and (has_role(user, *ORGANISERS) or is_company_level(user))


def can_approve(user: Any, campaign: Any) -> bool:
    """SPEC S-02: the site director approves the questionnaire and the sampling plan."""
    return at_site(user, campaign.site_id) and has_role(user, Role.SITE_DIRECTOR)


def can_enter(user: Any, campaign: Any) -> bool:
    return at_site(user, campaign.site_id) and has_role(user, *ENTRY)


def can_edit_questionnaire(user: Any, questionnaire: Any) -> bool:
    return can_organise(user, questionnaire.site_id)


def can_finish_action(user: Any, action: Any) -> bool:
    """S-06: a corrective action is marked done by its owner or by whoever tracks actions at its site."""
    owner_user_id = getattr(action.owner, "user_id", None)
    own = owner_user_id is not None and getattr(user, "pk", None) == owner_user_id
    return own or can_organise(user, action.site_id)
