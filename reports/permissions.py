"""Who may see the dashboard and reports (SPEC D-01): supervisors of a site and company roles."""

from core.roles import Role, has_role, is_company_level
from reports.selectors import can_see_dashboard

__all__ = ["can_see_dashboard", "can_request_report"]


def can_request_report(user, site_id: int | None) -> bool:
    """Company-wide reports only for company roles; a site's report for its supervisors."""
    if site_id is None:
        return is_company_level(user)
    return can_see_dashboard(user) and (is_company_level(user) or has_role(
        user, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.DEPT_SUPERVISOR,
        Role.SECURITY_SUPERVISOR))
