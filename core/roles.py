"""SPEC §0 roles. Each is a django.contrib.auth Group whose name is the code; a user may hold several."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")  # 前台接待员
    ZONE_STAFF = "zone_staff", _("Zone staff")  # 片区客服 (= "property assistant" in K-rules)
    ZONE_MANAGER = "zone_manager", _("Zone manager")  # 片区管理员
    CS_SUPERVISOR = "cs_supervisor", _("CS supervisor")  # 客服主管
    DEPT_SUPERVISOR = "dept_supervisor", _("Department supervisor")  # 专业主管
    DEPT_STAFF = "dept_staff", _("Department staff")  # 班组员工
    SECURITY_SUPERVISOR = "security_supervisor", _("Security supervisor")  # 保安部主管
    SECURITY_OFFICER = "security_officer", _("Security officer")  # 保安员 (K-04)
    CENTER_HEAD = "center_head", _("Service-center head")  # 物业服务中心负责人 (= "property manager" in K-rules)
    SITE_DIRECTOR = "site_director", _("Site director")  # 管理处主任
    FINANCE = "finance", _("Finance")  # 财务
    COMPANY_LEADER = "company_leader", _("Company leader")  # 公司主管领导
    EXECUTIVE = "executive", _("Executive")  # 董事 / 总经办


# Company-level roles see every site (SPEC §0).
COMPANY_ROLES = frozenset({Role.COMPANY_LEADER, Role.EXECUTIVE})
# Supervisors: who sees the dashboard and receives the daily digest.
SUPERVISOR_ROLES = frozenset({Role.CS_SUPERVISOR, Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR,
                              Role.CENTER_HEAD, Role.SITE_DIRECTOR, Role.COMPANY_LEADER, Role.EXECUTIVE})


def user_roles(user) -> frozenset[str]:
    """Role codes of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_codes = cached
    return cached


def has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & set(roles))


def is_company_level(user) -> bool:
    return getattr(user, "is_superuser", False) or bool(user_roles(user) & COMPANY_ROLES)
