"""SPEC C-14, the three-minute service rule (三分钟服务原则): when a resident asks for someone to come,
staff are on their way within `ticket.dispatch.standard` (site-editable, ✎). Measured on every order as
"dispatched at − registered at" and shown as a rate (complaints' dashboard and monthly sections).

A read of work orders, kept apart from `tickets.selectors` so other apps use it without the models."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, Value

from core.deadlines import policy_for
from core.models import DeadlinePolicy
from tickets.models import WorkOrder

CODE = "ticket.dispatch.standard"


def dispatch_limit(site_id: int) -> timedelta:
    """The site's limit as a duration (the policy's minutes or hours; other units count as wall-clock days)."""
    p = policy_for(CODE, site_id)
    if p.unit == DeadlinePolicy.Unit.MINUTES:
        return timedelta(minutes=p.amount)
    if p.unit == DeadlinePolicy.Unit.HOURS:
        return timedelta(hours=p.amount)
    return timedelta(days=p.amount)


def three_minute_counts(*, site_ids: list[int], start: datetime, end: datetime, now: datetime) -> dict:
    """Orders registered in [start, end), not cancelled: how many had someone dispatched within the site's
    limit. An order still waiting after its limit counts as late; one still within it is not counted yet.
    Orders registered afterwards (`registered_late`, T-03: worked first, the call was the dispatch) had no
    live dispatch to measure and are left out. One aggregate per site (each site may set its own limit)."""
    on_time = late = 0
    for site_id in site_ids:
        limit = dispatch_limit(site_id)
        by = ExpressionWrapper(F("received_at") + Value(limit), output_field=DateTimeField())
        agg = (WorkOrder.objects.filter(site_id=site_id, received_at__gte=start, received_at__lt=end)
               .exclude(status=WorkOrder.Status.CANCELLED).exclude(registered_late=True).annotate(by=by)
               .aggregate(on_time=Count("id", filter=Q(dispatched_at__isnull=False, dispatched_at__lte=F("by"))),
                          late=Count("id", filter=Q(dispatched_at__gt=F("by"))
                                     | Q(dispatched_at__isnull=True, by__lt=now))))
        on_time += agg["on_time"]
        late += agg["late"]
    return {"on_time": on_time, "late": late, "measured": on_time + late}
