"""Complaint reads: visibility decided here (SPEC X-02), statistics for C-10 and the reports app."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Category,
    Cause,
    Complaint,
    Escalation,
    Level,
    MonthlyAnalysis,
    Reminder,
    ResponsibilityReview,
    Severity,
)
from core.deadlines import deadlines_of
from core.models import Deadline
from core.roles import Role
from estates.models import Site, Unit
from estates.selectors import site_ids_visible_to, users_with_roles, visible

S = Complaint.Status
TARGET_RATE_PER_100 = Decimal("2")  # C-10: valid complaints < 2 per 100 households per year


def complaint_list_visible_to(user) -> QuerySet[Complaint]:
    return visible(Complaint.objects.select_related("site", "department", "unit__building__zone", "resident",
                                                    "received_by"), user)


def _overdue_q(now: datetime) -> Q:

    ct = ContentType.objects.get_for_model(Complaint)
    late = Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk")).filter(
        Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.RUNNING, due_at__lte=now))
    return Q(Exists(late))


def complaint_filter(qs: QuerySet[Complaint], params: Any, *, now: datetime | None = None) -> QuerySet[Complaint]:
    """GET filters of the list: status, severity, category, department, zone, valid, level, overdue, site, q."""
    now = now or timezone.now()
    g = params.get
    if g("status"):
        qs = qs.filter(status=g("status"))
    if g("severity"):
        qs = qs.filter(severity=g("severity"))
    if g("category"):
        qs = qs.filter(category=g("category"))
    if g("kind"):
        qs = qs.filter(kind=g("kind"))
    if (g("department") or "").isdigit():
        qs = qs.filter(department_id=int(g("department")))
    if (g("zone") or "").isdigit():
        qs = qs.filter(unit__building__zone_id=int(g("zone")))
    if (g("site") or "").isdigit():
        qs = qs.filter(site_id=int(g("site")))
    if g("valid") in ("1", "0"):
        qs = qs.filter(is_valid=g("valid") == "1")
    if (g("level") or "").isdigit():
        qs = qs.filter(level=int(g("level")))
    if g("overdue") == "1":
        qs = qs.filter(_overdue_q(now)).exclude(status__in=[S.CLOSED, S.INVALID])
    if g("open") == "1":
        qs = qs.exclude(status__in=[S.CLOSED, S.INVALID])
    if g("q"):
        q = g("q").strip()
        qs = qs.filter(Q(number__icontains=q) | Q(subject__icontains=q) | Q(complainant_name__icontains=q)
                       | Q(phone__icontains=q) | Q(address__icontains=q) | Q(unit__code__icontains=q))
    return qs


def escalation_list_visible_to(user, *, unacked: bool = False, mine: bool = False) -> QuerySet[Escalation]:
    qs = visible(Escalation.objects.select_related("complaint", "site", "acknowledged_by"), user)
    if unacked:
        qs = qs.filter(acknowledged_at__isnull=True)
    if mine:
        qs = qs.filter(notified=user)
    return qs.order_by("-at")


def reminder_list_visible_to(user) -> QuerySet[Reminder]:
    return visible(Reminder.objects.select_related("complaint", "department"), user, field="complaint__site_id")


def analysis_list_visible_to(user) -> QuerySet[MonthlyAnalysis]:
    return visible(MonthlyAnalysis.objects.select_related("site", "author"), user)


def review_list_visible_to(user) -> QuerySet[ResponsibilityReview]:
    return visible(ResponsibilityReview.objects.select_related("site", "completed_by__staff"), user)


def complaints_by_cause(*, site_ids: list[int], month: date) -> list[dict]:
    """C-13 → C-10: the month's complaints grouped by recorded cause (one GROUP BY)."""
    start, end = month_bounds(month)
    labels = dict(Cause.choices)
    rows = (Complaint.objects.filter(site_id__in=site_ids, kind=Complaint.Kind.COMPLAINT,
                                     received_at__gte=_aware(start), received_at__lt=_aware(end))
            .values("cause_kind").annotate(n=Count("id")).order_by("-n", "cause_kind"))
    return [{"key": r["cause_kind"], "label": str(labels.get(r["cause_kind"], _("Cause not yet recorded"))),
             "count": r["n"]} for r in rows]


def households_of(site_ids: list[int]) -> int:
    """C-10 denominator: the sites' registered households, else their unit count."""
    total = 0
    for site in Site.objects.filter(pk__in=site_ids).only("pk", "households"):
        total += site.households or Unit.objects.filter(site_id=site.pk).count()
    return total


def _aware(d: date | datetime, end: bool = False) -> datetime:
    if isinstance(d, datetime):
        return d
    return timezone.make_aware(datetime.combine(d, time.min))


def complaint_statistics(*, site_ids: list[int], start: date | datetime, end: date | datetime) -> dict:
    """C-10 figures for complaints received in [start, end) (dates: end exclusive).

    Returns counts by category, department, zone, validity, timeliness and escalation level, the
    valid-complaint rate per 100 households for the period and annualised, and the < 2 % target check.
    """
    t0, t1 = _aware(start), _aware(end)
    qs = Complaint.objects.filter(site_id__in=site_ids, received_at__gte=t0, received_at__lt=t1)
    praise = qs.filter(kind=Complaint.Kind.PRAISE).count()
    complaints = qs.filter(kind=Complaint.Kind.COMPLAINT)
    total = complaints.count()
    valid = complaints.filter(is_valid=True).count()
    invalid = complaints.filter(is_valid=False).count()
    unclassified = total - valid - invalid
    done = complaints.filter(status__in=[S.HANDLED, S.CLOSED])
    late = complaints.filter(was_late=True).count()
    on_time = done.filter(was_late=False).count()
    closed = complaints.filter(status=S.CLOSED).count()
    open_ = complaints.exclude(status__in=[S.CLOSED, S.INVALID]).count()
    cat_labels = dict(Category.choices)
    by_category = [{"key": r["category"] or "", "label": str(cat_labels.get(r["category"], "—")), "count": r["n"]}
                   for r in complaints.values("category").annotate(n=Count("id")).order_by("-n", "category")]
    by_department = [{"key": r["department_id"], "label": r["department__name"] or "—", "count": r["n"]}
                     for r in complaints.values("department_id", "department__name").annotate(n=Count("id"))
                     .order_by("-n", "department__name")]
    by_zone = [{"key": r["unit__building__zone_id"], "label": r["unit__building__zone__name"] or "—", "count": r["n"]}
               for r in complaints.values("unit__building__zone_id", "unit__building__zone__name")
               .annotate(n=Count("id")).order_by("-n", "unit__building__zone__name")]
    sev_labels = dict(Severity.choices)
    by_severity = [{"key": r["severity"], "label": str(sev_labels.get(r["severity"], r["severity"])),
                    "count": r["n"]}
                   for r in complaints.values("severity").annotate(n=Count("id")).order_by("severity")]
    cause_labels = dict(Cause.choices)
    by_cause = [{"key": r["cause_kind"], "label": str(cause_labels.get(r["cause_kind"], _("Cause not yet recorded"))),
                 "count": r["n"]}  # C-13 → C-10: grouped by recorded cause
                for r in complaints.values("cause_kind").annotate(n=Count("id")).order_by("-n", "cause_kind")]
    level_counts = Counter(complaints.values_list("level", flat=True))
    by_level = [{"key": int(lv), "label": str(lv.label), "count": level_counts.get(int(lv), 0)} for lv in Level]
    households = households_of(site_ids)
    days = max((t1 - t0).total_seconds() / 86400, 1)
    rate = (Decimal(valid) * 100 / households).quantize(Decimal("0.001"), ROUND_HALF_UP) if households else None
    annual = ((Decimal(valid) * 100 / households) * Decimal(365) / Decimal(str(days))).quantize(
        Decimal("0.01"), ROUND_HALF_UP) if households else None
    callbacks_due = complaints.filter(callback_requested_at__isnull=False).count()
    return {
        "start": t0, "end": t1, "site_ids": list(site_ids),
        "total": total, "praise": praise, "valid": valid, "invalid": invalid, "unclassified": unclassified,
        "closed": closed, "open": open_, "on_time": on_time, "late": late,
        "timely_rate": (Decimal(on_time) * 100 / (on_time + late)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if (on_time + late) else None,
        "by_category": by_category, "by_department": by_department, "by_zone": by_zone,
        "by_severity": by_severity, "by_level": by_level, "by_cause": by_cause,
        "escalated": complaints.filter(level__gt=Level.FRONT_DESK).count(),
        "households": households, "valid_rate_per_100": rate, "valid_rate_annualised": annual,
        "target_per_100": TARGET_RATE_PER_100,
        "target_met": (annual < TARGET_RATE_PER_100) if annual is not None else None,
        "callbacks_requested": callbacks_due, "callback_rate": (
            Decimal(complaints.filter(status=S.CLOSED, callback_requested_at__isnull=False).count()) * 100
            / callbacks_due).quantize(Decimal("0.1"), ROUND_HALF_UP) if callbacks_due else None,
    }


def week_bounds(day: date) -> tuple[date, date]:
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=7)


def month_bounds(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return start, nxt


def analysis_due(month_start: date) -> date:
    """C-10: the monthly analysis is ready by the 5th of the next month."""
    return month_bounds(month_start)[1].replace(day=5)


def visible_site_ids(user, site: str | None = None) -> list[int]:
    ids = site_ids_visible_to(user)
    if site and site.isdigit() and int(site) in ids:
        return [int(site)]
    return ids


def zone_evaluation_counts(*, site_ids: list[int], start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """A-02 resident evaluation input: per zone, valid complaints and praise received in [start, end).

    A complaint counts when the head confirmed it valid (C-02); praise counts as recorded (C-11). The
    zone is the unit's building's zone; records without a zone are left out. One aggregate query.
    """
    rows = (Complaint.objects.filter(site_id__in=site_ids, received_at__gte=start, received_at__lt=end,
                                     unit__building__zone__isnull=False)
            .values("unit__building__zone_id")
            .annotate(valid=Count("id", filter=Q(kind=Complaint.Kind.COMPLAINT, is_valid=True)),
                      praise=Count("id", filter=Q(kind=Complaint.Kind.PRAISE))))
    return {r["unit__building__zone_id"]: {"valid": r["valid"], "praise": r["praise"]} for r in rows}


# ---- the complaint page's deadline rows: who must act, by when, and what happens next (C-05, C-06)
_DEPARTMENT = "department"
_FIRST_RESPONDER = "first_responder"
ACTING: dict[str, Any] = {
    "complaint.forward": [Role.FRONT_DESK],
    "complaint.first_contact": [Role.FRONT_DESK],
    "complaint.first_reply": [Role.FRONT_DESK],
    "complaint.dispatch": [Role.CENTER_HEAD],
    "complaint.handling": _DEPARTMENT,
    "complaint.dept.response": _DEPARTMENT,
    "complaint.dept.feedback": _DEPARTMENT,
    "complaint.form.return": _DEPARTMENT,
    "complaint.cause": _DEPARTMENT,
    "complaint.emergency.notify": _FIRST_RESPONDER,
    "complaint.emergency.company": [Role.SITE_DIRECTOR, Role.CENTER_HEAD],
    "complaint.emergency.executive": [Role.COMPANY_LEADER],
    "complaint.emergency.report24": [Role.SITE_DIRECTOR],
    "complaint.emergency.report48": [Role.COMPANY_LEADER],
    "complaint.verify": [Role.CS_SUPERVISOR, Role.CENTER_HEAD],
    "complaint.first_responder": _FIRST_RESPONDER,
    "complaint.callback": [Role.FRONT_DESK, Role.CS_SUPERVISOR],
}
_NEXT_LEVEL = {"complaint.emergency.company": Level.COMPANY_LEADER,
               "complaint.emergency.executive": Level.EXECUTIVE}


def _names(users) -> str:
    return "、".join(sorted({getattr(getattr(u, "staff", None), "name", "") or u.get_username() for u in users}))


def deadline_rows(c: Complaint) -> list[dict]:
    """Each clock of the complaint with the role and people who must act, by when, and the next level
    (what the sweep does when it passes). Names are looked up per distinct role set, a handful of queries."""
    rows = []
    roles_label = dict(Role.choices)
    cache: dict[tuple, str] = {}
    for d in deadlines_of(c):
        acting = ACTING.get(d.code, [])
        if acting == _DEPARTMENT:
            role = c.department.name if c.department is not None else str(_("Responsible department"))
            key: tuple = ("dept", c.department_id)
            if key not in cache:
                cache[key] = _names(users_with_roles(site_id=c.site_id, roles=[
                    Role.DEPT_SUPERVISOR, Role.SECURITY_SUPERVISOR]).filter(staff__department_id=c.department_id))
        elif acting == _FIRST_RESPONDER:
            role, key = str(_("First-responder")), ("fr",)
            cache[key] = c.received_by.name
        else:
            role = " / ".join(str(roles_label.get(r, r)) for r in acting)
            key = tuple(acting)
            if key not in cache:
                cache[key] = _names(users_with_roles(site_id=c.site_id, roles=acting)) if acting else ""
        policy = d.policy
        then: Any
        if policy.action == policy.Action.ESCALATE:
            level = _NEXT_LEVEL.get(d.code) or Level(min(int(c.level) + 1, int(Level.EXECUTIVE)))
            then = _("escalates to the %(level)s") % {"level": level.label}
        elif policy.roles:
            then = _("%(roles)s notified") % {"roles": "、".join(str(roles_label.get(r, r)) for r in policy.roles)}
        else:
            then = _("recorded as missed")
        rows.append({"deadline": d, "name": gettext(policy.name), "role": role, "people": cache.get(key, ""),
                     "then": then, "running": d.state == Deadline.State.RUNNING})
    return rows


def complaint_by_number(site_id: int, number: str) -> Complaint | None:
    """A site's complaint by its number (another app links one, e.g. an emergency, SPEC E-01)."""
    return Complaint.objects.filter(site_id=site_id, number=number).first()


def complaints_of_unit(site_id: int, unit_id: int) -> QuerySet[Complaint]:
    """A household's complaints, newest first, praise left out (the resident pages, SPEC P-02)."""
    return (Complaint.objects.filter(site_id=site_id, unit_id=unit_id)
            .exclude(kind=Complaint.Kind.PRAISE).order_by("-received_at", "-id"))
