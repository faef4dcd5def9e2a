"""Work orders (报事单, SPEC T-rules): open / overdue, due today, 及时率, 返修率, extensions, by category,
department and zone, paid-service revenue. Every figure is one aggregate query (SPEC D-04).

Definitions (also in docs/reports.md):
- open: status in WorkOrder.OPEN_STATES (not yet completed by the department);
- overdue: open and past `due_at`;
- on-time completion rate 及时率 = orders completed in the period with `completed_at <= due_at`
  (or without a deadline) / orders completed in the period;
- rework rate 返修率 = orders completed in the period that were sent back for rework at least once /
  orders completed in the period;
- extensions: Extension rows granted in the period.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from reports.registry import MONEY, RATE, Chart, Figure, Section, Table, cached, rate, register
from reports.selectors import list_url, today_range, yesterday_range
from tickets.models import Charge, Extension, WorkOrder
from tickets.open_counts import open_order_figures
from tickets.selectors_referral import referrals_pending_count


def _orders(site_ids):

    return WorkOrder.objects.filter(site_id__in=site_ids)


def _open_q() -> Q:

    return Q(status__in=WorkOrder.OPEN_STATES)


def _completed_aggregates(start, end) -> dict:
    """Count(filter=Q) expressions for orders completed in [start, end)."""
    done = Q(completed_at__gte=start, completed_at__lt=end)
    on_time = done & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))
    # counted on completed_at (never null among them): with the range in WHERE, PostgreSQL reads the
    # covering index wo_site_completed_cov (site, completed_at) INCLUDE (due_at, rework_count) alone
    return {
        "completed": Count("completed_at", filter=done),
        "on_time": Count("completed_at", filter=on_time),
        "reworked": Count("completed_at", filter=done & Q(rework_count__gt=0)),
    }


def _grouped_table(qs, *, start, end, field: str, name_field: str, key: str, title, header, url_param: str,
                   site_ids) -> Table:
    """Received / completed / on time / 及时率 / rework per category, department or zone."""
    received = Q(received_at__gte=start, received_at__lt=end)
    rows = list(qs.filter(received | Q(completed_at__gte=start, completed_at__lt=end))
                .values(field, name_field)
                .annotate(received=Count("id", filter=received), **_completed_aggregates(start, end))
                .order_by("-received", name_field))
    return Table(
        key=key, title=title,
        headers=[header, _("Received"), _("Completed"), _("On time"), _("On-time rate"), _("Reworked")],
        kinds=["text", "count", "count", "count", RATE, "count"],
        rows=[[r[name_field] or "—", r["received"], r["completed"], r["on_time"], rate(r["on_time"], r["completed"]),
               r["reworked"]] for r in rows],
        urls=[list_url("tickets:order_list", site_ids, **{url_param: r[field] or ""}) for r in rows])


def _group(groups: list[dict], field: str) -> list[dict]:
    """Open / overdue per category, department or zone, from the per-key counts; most overdue first."""
    rows: dict = {}
    for g in groups:
        row = rows.setdefault(g[f"{field}_id"], {f"{field}_id": g[f"{field}_id"],
                                                 f"{field}__name": g[f"{field}__name"], "open": 0, "overdue": 0})
        row["open"] += g["open"]
        row["overdue"] += g["overdue"]
    return sorted(rows.values(), key=lambda r: (-r["overdue"], -r["open"], r[f"{field}__name"] or ""))


@register
class WorkOrderSection(Section):
    key = "tickets"
    title = _("Work orders")
    order = 10
    requires = ("tickets.WorkOrder",)

    # ---- D-01
    def dashboard(self, *, site_ids, now):
        qs = _orders(site_ids)
        t_start, t_end = today_range(now)
        # issue 21.1: one query over the counts kept by triggers (tickets/open_counts.py), not over the
        # open orders: flat however large the backlog; grouped here over a few hundred rows
        groups = open_order_figures(site_ids=site_ids, now=now, day_start=t_start, day_end=t_end)
        agg = {"open": sum(g["open"] for g in groups), "overdue": sum(g["overdue"] for g in groups),
               "due_today": sum(g["due_today"] for g in groups),
               "emergency_open": sum(g["open"] for g in groups if g["is_emergency"])}
        agg["received_today"] = qs.filter(received_at__gte=t_start, received_at__lt=t_end).count()
        # 30-day rates move slowly; cached for REPORTS_CACHE_SECONDS (range of wo_site_completed)
        since = now - timedelta(days=30)  # the range in WHERE too: a range of the index, not every order
        agg.update(cached(self, "rates30", site_ids, lambda: qs.filter(completed_at__gte=since, completed_at__lt=now)
                          .aggregate(**_completed_aggregates(since, now)), bucket=f"{now:%Y%m%d%H}"))
        figures = [
            Figure("open", _("Open orders"), agg["open"], url=list_url("tickets:order_list", site_ids, status="open")),
            Figure("overdue", _("Overdue orders"), agg["overdue"], alert=True,
                   url=list_url("tickets:order_list", site_ids, overdue=1)),
            Figure("due_today", _("Due today"), agg["due_today"],
                   url=list_url("tickets:order_list", site_ids, due="today")),
            Figure("emergency_open", _("Open emergencies"), agg["emergency_open"], alert=True,
                   url=list_url("tickets:order_list", site_ids, status="open", emergency=1)),
            Figure("received_today", _("Received today"), agg["received_today"],
                   url=list_url("tickets:order_list", site_ids)),
            Figure("on_time_rate_30d", _("On-time rate, 30 days"), rate(agg["on_time"], agg["completed"]), kind=RATE),
            Figure("rework_rate_30d", _("Rework rate, 30 days"), rate(agg["reworked"], agg["completed"]), kind=RATE),
        ]
        by_cat = _group(groups, "category")[:12]
        by_dept = _group(groups, "department")
        by_zone = _group(groups, "zone")
        tables = [
            Table("overdue_by_category", _("Open and overdue by category"),
                  [_("Category"), _("Open items"), _("Overdue")],
                  [[r["category__name"], r["open"], r["overdue"]] for r in by_cat],
                  urls=[list_url("tickets:order_list", site_ids, category=r["category_id"], overdue=1)
                        for r in by_cat]),
            Table("overdue_by_department", _("Open and overdue by department"),
                  [_("Department"), _("Open items"), _("Overdue")],
                  [[r["department__name"] or _("Not dispatched"), r["open"], r["overdue"]] for r in by_dept],
                  urls=[list_url("tickets:order_list", site_ids, department=r["department_id"] or "", overdue=1)
                        for r in by_dept]),
            Table("overdue_by_zone", _("Open and overdue by zone"),
                  [_("Zone"), _("Open items"), _("Overdue")],
                  [[r["zone__name"] or "—", r["open"], r["overdue"]] for r in by_zone],
                  urls=[list_url("tickets:order_list", site_ids, zone=r["zone_id"] or "", overdue=1)
                        for r in by_zone]),
        ]
        charts = [Chart("open_by_category", _("Open and overdue by category"),
                        [r["category__name"] for r in by_cat],
                        [{"label": _("Open items"), "data": [r["open"] for r in by_cat]},
                         {"label": _("Overdue"), "data": [r["overdue"] for r in by_cat]}])] if by_cat else []
        return self.block(figures=figures, tables=tables, charts=charts)

    # ---- D-03 daily digest
    def digest(self, *, site_ids, now):
        qs = _orders(site_ids)
        t_start, t_end = today_range(now)
        y_start, y_end = yesterday_range(now)
        open_q = _open_q()
        agg = qs.aggregate(
            overdue=Count("id", filter=open_q & Q(due_at__lt=now)),
            due_today=Count("id", filter=open_q & Q(due_at__gte=t_start, due_at__lt=t_end)),
            open=Count("id", filter=open_q),
            received_y=Count("id", filter=Q(received_at__gte=y_start, received_at__lt=y_end)),
            **_completed_aggregates(y_start, y_end),
        )
        return self.block(figures=[
            Figure("overdue", _("Overdue orders"), agg["overdue"], alert=True,
                   url=list_url("tickets:order_list", site_ids, overdue=1)),
            Figure("due_today", _("Due today"), agg["due_today"],
                   url=list_url("tickets:order_list", site_ids, due="today")),
            Figure("open", _("Open orders"), agg["open"], url=list_url("tickets:order_list", site_ids, status="open")),
            Figure("received_yesterday", _("Received yesterday"), agg["received_y"]),
            Figure("completed_yesterday", _("Completed yesterday"), agg["completed"]),
            Figure("on_time_yesterday", _("Completed on time yesterday"), agg["on_time"]),
            Figure("on_time_rate_yesterday", _("On-time rate yesterday"), rate(agg["on_time"], agg["completed"]),
                   kind=RATE),
        ])

    # ---- D-02
    def monthly(self, *, site_ids, start, end):

        qs = _orders(site_ids)
        received = Q(received_at__gte=start, received_at__lt=end)
        closed_in = Q(closed_at__gte=start, closed_at__lt=end)
        agg = qs.aggregate(
            received=Count("id", filter=received),
            emergency=Count("id", filter=received & Q(is_emergency=True)),
            cancelled=Count("id", filter=closed_in & Q(status=WorkOrder.Status.CANCELLED)),
            unresolvable=Count("id", filter=closed_in & Q(status=WorkOrder.Status.UNRESOLVABLE)),
            closed=Count("id", filter=closed_in & Q(status=WorkOrder.Status.CLOSED)),
            still_open=Count("id", filter=received & _open_q()),
            **_completed_aggregates(start, end),
        )
        extensions = Extension.objects.filter(order__site_id__in=site_ids, at__gte=start, at__lt=end).aggregate(
            n=Count("id"), orders=Count("order_id", distinct=True))
        revenue = Charge.objects.filter(
            order__site_id__in=site_ids, order__completed_at__gte=start, order__completed_at__lt=end,
        ).exclude(order__status=WorkOrder.Status.CANCELLED).aggregate(
            total=Coalesce(Sum("amount"), Value(0), output_field=DecimalField(max_digits=14, decimal_places=2)),
            orders=Count("order_id", distinct=True))
        figures = [
            Figure("received", _("Orders received"), agg["received"]),
            Figure("emergency", _("Emergency orders received"), agg["emergency"]),
            Figure("completed", _("Orders completed"), agg["completed"]),
            Figure("on_time", _("Completed on time"), agg["on_time"]),
            Figure("on_time_rate", _("On-time completion rate (及时率)"), rate(agg["on_time"], agg["completed"]),
                   kind=RATE),
            Figure("reworked", _("Completed after rework"), agg["reworked"]),
            Figure("rework_rate", _("Rework rate (返修率)"), rate(agg["reworked"], agg["completed"]), kind=RATE),
            Figure("extensions", _("Deadline extensions"), extensions["n"]),
            Figure("extended_orders", _("Orders extended"), extensions["orders"]),
            Figure("closed", _("Orders closed"), agg["closed"]),
            Figure("cancelled", _("Orders cancelled"), agg["cancelled"]),
            Figure("unresolvable", _("Returned as unresolvable"), agg["unresolvable"]),
            Figure("still_open", _("Received this month, still open"), agg["still_open"]),
            Figure("paid_orders", _("Paid-service orders"), revenue["orders"]),
            Figure("revenue", _("Paid-service revenue"), revenue["total"], kind=MONEY),
        ]
        by_cat = _grouped_table(qs, start=start, end=end, field="category_id", name_field="category__name",
                                key="by_category", title=_("Orders by category"), header=_("Category"),
                                url_param="category", site_ids=site_ids)
        by_dept = _grouped_table(qs, start=start, end=end, field="department_id", name_field="department__name",
                                 key="by_department", title=_("Orders by department"), header=_("Department"),
                                 url_param="department", site_ids=site_ids)
        by_zone = _grouped_table(qs, start=start, end=end, field="zone_id", name_field="zone__name",
                                 key="by_zone", title=_("Orders by zone"), header=_("Zone"), url_param="zone",
                                 site_ids=site_ids)
        charts = []
        if by_cat.rows:
            charts.append(Chart("by_category", _("Orders by category"), [r[0] for r in by_cat.rows],
                                [{"label": _("Received"), "data": [r[1] for r in by_cat.rows]},
                                 {"label": _("Completed"), "data": [r[2] for r in by_cat.rows]}]))
        if by_dept.rows:
            charts.append(Chart("on_time_by_department", _("On-time rate by department"),
                                [r[0] for r in by_dept.rows],
                                [{"label": _("On-time rate"), "data": [r[4] for r in by_dept.rows]}]))
        return self.block(figures=figures, tables=[by_cat, by_dept, by_zone], charts=charts)


@register
class CapabilitySection(Section):
    """SPEC T-17: requests referred to the service-center head and not yet decided (his count to act on)."""

    key = "tickets_capability"
    title = _("Capability checks")
    order = 11
    requires = ("tickets.CapabilityReferral",)

    def dashboard(self, *, site_ids, now):
        pending = referrals_pending_count(site_ids)
        return self.block(figures=[Figure("pending", _("Awaiting the head's decision"), pending, alert=pending > 0,
                                          url=list_url("tickets:referral_list", site_ids, status="pending"))])

    def digest(self, *, site_ids, now):
        return self.dashboard(site_ids=site_ids, now=now)
