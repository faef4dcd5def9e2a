"""Read side of callbacks: visibility, queues, plans, rates (SPEC CB-01, CB-04, CB-07)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from callbacks.models import (
    Callback,
    PromisedReply,
    RelationshipPlan,
    RelationshipTask,
    Result,
    SamplingDraw,
    Visit,
    VisitPlan,
)
from estates.selectors import site_ids_visible_to, visible

OPEN_STATES = (Callback.Status.OPEN, Callback.Status.MISMATCH_CHECK)
FINISHED_STATES = (Callback.Status.DONE, Callback.Status.UNREACHABLE)


def callback_open_for(subject: Any, *, kind: str) -> Callback | None:
    """The open callback task of a record (a complaint, a work order), if any."""
    ct = ContentType.objects.get_for_model(type(subject))
    return Callback.objects.filter(subject_type=ct, subject_id=subject.pk, kind=kind,
                                   status=Callback.Status.OPEN).first()


def callback_list_for(subject: Any) -> QuerySet[Callback]:
    """Every callback task about a record (a work order, a complaint), newest first: its page shows the
    callback's deadline (issue 20.5)."""
    ct = ContentType.objects.get_for_model(type(subject))
    return Callback.objects.filter(subject_type=ct, subject_id=subject.pk).order_by("-created_at", "-id")


def callback_list_visible_to(user: Any) -> QuerySet[Callback]:
    return visible(Callback.objects.select_related("site", "unit__building__zone", "resident", "assigned_to__staff",
                                                   "subject_type"), user)


def _day_bounds(now: datetime) -> tuple[datetime, datetime]:
    local = timezone.localtime(now)
    start = timezone.make_aware(datetime.combine(local.date(), time(0, 0)))
    return start, start + timedelta(days=1)


def callback_queue(*, user: Any, state: str = "due_today", now: datetime | None = None, staff_id: int | None = None,
                   zone_id: int | None = None, site_id: int | None = None) -> QuerySet[Callback]:
    """CB-01/CB-07 queue: due_today (open, due before tomorrow, incl. overdue), overdue, open, done."""
    now = now or timezone.now()
    qs = callback_list_visible_to(user)
    if site_id:
        qs = qs.filter(site_id=site_id)
    if staff_id:
        # CB-03: a zone manager's site checks are in his queue too
        qs = qs.filter(Q(assigned_to_id=staff_id)
                       | Q(mismatch_checker_id=staff_id, status=Callback.Status.MISMATCH_CHECK))
    if zone_id:
        qs = qs.filter(unit__building__zone_id=zone_id)
    _start, end = _day_bounds(now)
    if state == "overdue":
        return qs.filter(status__in=OPEN_STATES, due_at__lt=now).order_by("due_at", "id")
    if state == "open":
        return qs.filter(status__in=OPEN_STATES).order_by("due_at", "id")
    if state == "done":
        return qs.filter(status__in=(*FINISHED_STATES, Callback.Status.CANCELLED)).order_by("-closed_at", "-id")
    return qs.filter(status__in=OPEN_STATES).filter(Q(due_at__lt=end) | Q(due_at__isnull=True)).order_by(
        "due_at", "id")


def callback_queue_counts(*, user: Any, now: datetime | None = None, staff_id: int | None = None,
                          zone_id: int | None = None, site_id: int | None = None) -> dict[str, int]:
    now = now or timezone.now()
    kw = {"user": user, "now": now, "staff_id": staff_id, "zone_id": zone_id, "site_id": site_id}
    start, _end = _day_bounds(now)
    return {
        "due_today": callback_queue(state="due_today", **kw).count(),
        "overdue": callback_queue(state="overdue", **kw).count(),
        "open": callback_queue(state="open", **kw).count(),
        "done": callback_queue(state="done", **kw).filter(closed_at__gte=start).count(),
    }


def callback_rates(*, site_ids: list[int], start: datetime | date, end: datetime | date) -> dict:
    """CB-07: callback rate (called back / due) and timeliness (done by due) per site, zone and staff.

    Callbacks counted are those due in [start, end) (cancelled ones excluded). "Called back" = done
    or closed as unreachable after the attempts; "timely" = answered by the due time.
    Returns {"total": row, "sites": {id: row}, "zones": {id: row}, "staff": {user_id: row}} where
    row = {"due", "called", "timely", "rate", "timeliness"} (rates as floats 0..1, None if nothing due).
    """
    if isinstance(start, date) and not isinstance(start, datetime):
        start = timezone.make_aware(datetime.combine(start, time(0, 0)))
    if isinstance(end, date) and not isinstance(end, datetime):
        end = timezone.make_aware(datetime.combine(end, time(0, 0)))
    rows = (Callback.objects.filter(site_id__in=site_ids, due_at__gte=start, due_at__lt=end)
            .exclude(status=Callback.Status.CANCELLED)
            .values("site_id", "unit__building__zone_id", "assigned_to_id", "status", "answered_at", "due_at"))

    def blank() -> dict:
        return {"due": 0, "called": 0, "timely": 0}

    total = blank()
    sites: dict = defaultdict(blank)
    zones: dict = defaultdict(blank)
    staff: dict = defaultdict(blank)
    for r in rows:
        called = r["status"] in FINISHED_STATES
        timely = called and r["answered_at"] is not None and r["due_at"] is not None and r["answered_at"] <= r["due_at"]
        for bucket in (total, sites[r["site_id"]], zones[r["unit__building__zone_id"]], staff[r["assigned_to_id"]]):
            bucket["due"] += 1
            bucket["called"] += called
            bucket["timely"] += timely

    def finish(b: dict) -> dict:
        b["rate"] = b["called"] / b["due"] if b["due"] else None
        b["timeliness"] = b["timely"] / b["due"] if b["due"] else None
        return b

    return {"total": finish(total), "sites": {k: finish(v) for k, v in sites.items()},
            "zones": {k: finish(v) for k, v in zones.items() if k is not None},
            "staff": {k: finish(v) for k, v in staff.items() if k is not None}}


def visit_plan_list_visible_to(user: Any) -> QuerySet[VisitPlan]:
    return visible(VisitPlan.objects.select_related("site", "visitor__staff", "zone"), user).annotate(
        done=Count("visits", filter=Q(visits__visited_at__isnull=False)))


def visit_plan_progress(*, site_ids: list[int], month: date) -> list[dict]:
    """CB-04 progress and shortfall per plan of the month (for the page and the dashboard)."""
    plans = (VisitPlan.objects.filter(site_id__in=site_ids, month=month.replace(day=1))
             .select_related("visitor__staff", "zone", "site")
             .annotate(done=Count("visits", filter=Q(visits__visited_at__isnull=False)))
             .order_by("site_id", "role", "zone_id"))
    out = []
    for p in plans:
        out.append({"plan": p, "target": p.target, "done": p.done, "shortfall": max(0, p.target - p.done),
                    "percent": round(100 * min(p.done, p.target) / p.target) if p.target else 100})
    return out


def visit_shortfall(*, site_ids: list[int], month: date) -> list[dict]:
    """CB-04 / visit.monthly: plans of the month not complete (the dashboard shows them at month end)."""
    return [row for row in visit_plan_progress(site_ids=site_ids, month=month) if row["shortfall"] > 0]


def visit_list_visible_to(user: Any) -> QuerySet[Visit]:
    return visible(Visit.objects.select_related("plan", "unit__building", "site"), user)


def promised_reply_list_visible_to(user: Any) -> QuerySet[PromisedReply]:
    return visible(PromisedReply.objects.select_related("unit", "owner__staff", "callback"), user)


def sampling_draw_list_visible_to(user: Any) -> QuerySet[SamplingDraw]:
    return visible(SamplingDraw.objects.select_related("site"), user)




def unsatisfied_routine_by_zone(*, site_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """A-03: per zone, routine (work-order) callbacks answered "unsatisfied" in [start, end)."""
    rows = (Callback.objects.filter(site_id__in=site_ids, kind=Callback.Kind.TICKET, status=Callback.Status.DONE,
                                    result=Result.UNSATISFIED, answered_at__gte=start, answered_at__lt=end,
                                    unit__building__zone__isnull=False)
            .values("unit__building__zone_id").annotate(n=Count("id")))
    return {r["unit__building__zone_id"]: r["n"] for r in rows}


# ---- SPEC CB-08 relationship maintenance
def relationship_plan_list_visible_to(user: Any) -> QuerySet[RelationshipPlan]:
    return RelationshipPlan.objects.filter(site_id__in=site_ids_visible_to(user)).select_related("site", "made_by")


def relationship_completion(*, site_ids: list[int], start: date, end: date) -> list[Any]:
    """Completion per zone of the plans of the months in [start, end): tasks (cancelled left out), done,
    overdue (still to do after the due date) — database aggregates."""
    today = timezone.localdate()
    return list(RelationshipTask.objects
                .filter(site_id__in=site_ids, plan__month__gte=start, plan__month__lt=end)
                .exclude(status=RelationshipTask.Status.CANCELLED)
                .values("zone_id", "zone__name", "site__name")
                .annotate(tasks=Count("id"), done=Count("id", filter=Q(status=RelationshipTask.Status.DONE)),
                          overdue=Count("id", filter=Q(status=RelationshipTask.Status.OPEN, due_date__lt=today)),
                          households=Sum("households"))
                .order_by("site__name", "zone__name"))
