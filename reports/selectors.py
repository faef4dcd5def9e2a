"""Reads for the dashboard, reports and digests: periods in local time, visibility, calendar warnings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.calendar_source import calendar_warnings as core_calendar_warnings
from core.models import Notification
from core.roles import SUPERVISOR_ROLES, has_role, is_company_level
from estates.models import Site
from estates.selectors import site_ids_visible_to
from reports.models import MailingMessage, MonthlyReport


def local(dt: datetime | None = None) -> datetime:
    return timezone.localtime(dt or timezone.now())


def day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(d: date) -> date:
    return (d.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_range(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a calendar month in local time, as aware datetimes."""
    first = month_start(month)
    return day_start(first), day_start(next_month(first))


def months_back(month: date, count: int) -> list[date]:
    """`count` months ending with `month`, oldest first (the 12-month trend)."""
    out = [month_start(month)]
    while len(out) < count:
        out.insert(0, previous_month(out[0]))
    return out


def today_range(now: datetime) -> tuple[datetime, datetime]:
    d = local(now).date()
    return day_start(d), day_start(d + timedelta(days=1))


def yesterday_range(now: datetime) -> tuple[datetime, datetime]:
    d = local(now).date()
    return day_start(d - timedelta(days=1)), day_start(d)


def list_url(name: str, site_ids: list[int] | None = None, **params) -> str:
    """URL of an app's filtered list; `site` is added when the figure is about one site.

    Returns "" while the app's URL does not exist yet (apps land independently)."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if site_ids is not None and len(site_ids) == 1:
        query["site"] = site_ids[0]
    return f"{url}?{urlencode(query)}" if query else url


def can_see_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        has_role(user, *SUPERVISOR_ROLES) or is_company_level(user))


def dashboard_sites(user) -> QuerySet[Site]:
    return Site.objects.filter(pk__in=site_ids_visible_to(user)).order_by("name")


def resolve_site_ids(user, site_param: str | None) -> tuple[list[int], Site | None] | None:
    """Which sites a page shows: one visible site, or (company roles) all. None = not allowed (404)."""
    visible_ids = site_ids_visible_to(user)
    if site_param:
        try:
            site_id = int(site_param)
        except (TypeError, ValueError):
            return None
        if site_id not in visible_ids:
            return None
        return [site_id], Site.objects.get(pk=site_id)
    if is_company_level(user):
        return list(visible_ids), None
    if len(visible_ids) == 1:
        return list(visible_ids), Site.objects.get(pk=visible_ids[0])
    return list(visible_ids), None


def monthly_report_list_visible_to(user) -> QuerySet[MonthlyReport]:
    qs = MonthlyReport.objects.select_related("site")
    visible_ids = site_ids_visible_to(user)
    if is_company_level(user):
        return qs.filter(site_id__in=visible_ids) | qs.filter(site__isnull=True)
    return qs.filter(site_id__in=visible_ids)


def calendar_warnings(now: datetime | None = None) -> list[str]:
    """Banner lines such as "holiday calendar missing for 2027" (SPEC W-02), from core."""
    now = local(now)
    return [str(w) for w in core_calendar_warnings(now)]


# ---------------------------------------------------------------------------------------------
# Delivery problems (issue 23.6): notices and mailing messages not sent — failed or still retrying

DELIVERY_STALE = timedelta(minutes=10)  # unsent this long without an attempt: the hand-over was lost


def can_see_delivery_problems(user) -> bool:
    """Admins, company roles and supervisors (their sites' notices; mailings are company-level)."""
    return can_see_dashboard(user) or getattr(user, "is_superuser", False)


def can_see_mailing_problems(user) -> bool:
    return is_company_level(user)


def _unsent(qs: QuerySet, state: str, now: datetime) -> QuerySet:

    qs = qs.filter(email_sent_at__isnull=True)
    failed = Q(email_failed_at__isnull=False)
    retrying = Q(email_failed_at__isnull=True) & (Q(email_attempts__gt=0) | Q(created_at__lte=now - DELIVERY_STALE))
    if state == "failed":
        return qs.filter(failed)
    if state == "pending":
        return qs.filter(retrying)
    return qs.filter(failed | retrying)


def delivery_problem_notices(user, *, state: str = "", site_id: int | None = None,
                             now: datetime | None = None) -> QuerySet:

    qs = Notification.objects.filter(send_email=True).select_related("recipient", "site")
    if not is_company_level(user):
        qs = qs.filter(site_id__in=site_ids_visible_to(user))
    if site_id:
        qs = qs.filter(site_id=site_id)
    return _unsent(qs, state, now or timezone.now()).order_by("-created_at", "-id")


def delivery_problem_mailings(user, *, state: str = "", now: datetime | None = None) -> QuerySet:

    if not can_see_mailing_problems(user):
        return MailingMessage.objects.none()
    qs = MailingMessage.objects.select_related("run__schedule")
    return _unsent(qs, state, now or timezone.now()).order_by("-created_at", "-id")
