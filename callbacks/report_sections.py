"""Callbacks (回访, SPEC C-09, CB-rules): callback rate, timeliness and satisfaction from callbacks.

Counted as in `callbacks.selectors.callback_rates` (callbacks due in the period, cancelled ones left
out; called back = done or closed unreachable; timely = answered by the due time), but as aggregates
in the database (SPEC D-04). Satisfaction = (satisfied + basically satisfied) / callbacks with a
satisfaction result (unreachable excluded).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from callbacks.models import Callback, Result
from callbacks.selectors import relationship_completion
from reports.registry import RATE, Chart, Figure, Section, Table, cached, rate, register
from reports.selectors import list_url, today_range, yesterday_range


def _callbacks(site_ids):

    return Callback.objects.filter(site_id__in=site_ids).exclude(status=Callback.Status.CANCELLED)


def _rate_aggregates(prefix_q: Q | None = None) -> dict:

    base = prefix_q or Q()
    called = base & Q(status__in=[Callback.Status.DONE, Callback.Status.UNREACHABLE])
    return {
        "due": Count("id", filter=base) if prefix_q is not None else Count("id"),
        "called": Count("id", filter=called),
        "timely": Count("id", filter=called & Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
        "satisfied": Count("id", filter=base & Q(result=Result.SATISFIED)),
        "basically": Count("id", filter=base & Q(result=Result.BASICALLY)),
        "unsatisfied": Count("id", filter=base & Q(result=Result.UNSATISFIED)),
        "unreachable": Count("id", filter=base & Q(result=Result.UNREACHABLE)),
    }


def _figures(agg: dict, site_ids, *, suffix: str = "") -> list[Figure]:
    rated = agg["satisfied"] + agg["basically"] + agg["unsatisfied"]
    return [
        Figure("due" + suffix, _("Callbacks due"), agg["due"]),
        Figure("called" + suffix, _("Called back"), agg["called"]),
        Figure("callback_rate" + suffix, _("Callback rate"), rate(agg["called"], agg["due"]), kind=RATE),
        Figure("timely_rate" + suffix, _("Callbacks on time"), rate(agg["timely"], agg["due"]), kind=RATE),
        Figure("satisfied" + suffix, _("Satisfied"), agg["satisfied"]),
        Figure("basically" + suffix, _("Basically satisfied"), agg["basically"]),
        Figure("unsatisfied" + suffix, _("Unsatisfied"), agg["unsatisfied"], alert=True),
        Figure("unreachable" + suffix, _("Unreachable"), agg["unreachable"]),
        Figure("satisfaction" + suffix, _("Satisfaction (satisfied + basically)"),
               rate(agg["satisfied"] + agg["basically"], rated), kind=RATE),
    ]


@register
class CallbackSection(Section):
    key = "callbacks"
    title = _("Callbacks and satisfaction")
    order = 30
    requires = ("callbacks.Callback",)

    def _queue_figures(self, site_ids, now):

        open_states = [Callback.Status.OPEN, Callback.Status.MISMATCH_CHECK]

        _t0, t_end = today_range(now)
        agg = _callbacks(site_ids).filter(status__in=open_states).aggregate(
            open=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            due_today=Count("id", filter=Q(due_at__lt=t_end) | Q(due_at__isnull=True)),
        )
        return [
            Figure("queue_open", _("Open callbacks"), agg["open"],
                   url=list_url("callbacks:queue", site_ids, state="open")),
            Figure("queue_overdue", _("Overdue callbacks"), agg["overdue"], alert=True,
                   url=list_url("callbacks:queue", site_ids, state="overdue")),
            Figure("queue_due_today", _("Callbacks due today"), agg["due_today"],
                   url=list_url("callbacks:queue", site_ids, state="due_today")),
        ]

    def dashboard(self, *, site_ids, now):

        start = now - timedelta(days=30)
        agg = cached(self, "rates30", site_ids, lambda: _callbacks(site_ids).filter(
            due_at__gte=start, due_at__lt=now).aggregate(**_rate_aggregates()), bucket=f"{now:%Y%m%d%H}")
        figures = self._queue_figures(site_ids, now) + [
            f for f in _figures(agg, site_ids, suffix="_30d")
            if f.key in ("callback_rate_30d", "timely_rate_30d", "satisfaction_30d", "unsatisfied_30d")]
        for f in figures[3:]:
            f.label = " · ".join([f.label, str(_("30 days"))])
        return self.block(figures=figures)

    def digest(self, *, site_ids, now):
        y_start, y_end = yesterday_range(now)
        agg = _callbacks(site_ids).filter(due_at__gte=y_start, due_at__lt=y_end).aggregate(**_rate_aggregates())
        figures = self._queue_figures(site_ids, now)
        figures += [f for f in _figures(agg, site_ids, suffix="_yesterday")
                    if f.key in ("callback_rate_yesterday", "satisfaction_yesterday", "unsatisfied_yesterday")]
        for f in figures[3:]:
            f.label = " · ".join([f.label, str(_("yesterday"))])
        return self.block(figures=figures)

    def monthly(self, *, site_ids, start, end):

        qs = _callbacks(site_ids).filter(due_at__gte=start, due_at__lt=end)
        agg = qs.aggregate(**_rate_aggregates())
        kinds = dict(Callback.Kind.choices)
        by_kind = list(qs.values("kind").annotate(**_rate_aggregates()).order_by("kind"))
        by_zone = list(qs.values("unit__building__zone_id", "unit__building__zone__name")
                       .annotate(**_rate_aggregates()).order_by("unit__building__zone__name"))

        def row(label, r):
            rated = r["satisfied"] + r["basically"] + r["unsatisfied"]
            return [label, r["due"], r["called"], rate(r["called"], r["due"]),
                    rate(r["satisfied"] + r["basically"], rated), r["unsatisfied"]]

        headers = [_("Callbacks due"), _("Called back"), _("Callback rate"), _("Satisfaction"), _("Unsatisfied")]
        kinds_col = ["text", "count", "count", RATE, RATE, "count"]
        tables = [
            Table("by_kind", _("Callbacks by kind"), [_("Kind"), *headers],
                  [row(kinds.get(r["kind"], r["kind"]), r) for r in by_kind], kinds=kinds_col),
            Table("by_zone", _("Callbacks by zone"), [_("Zone"), *headers],
                  [row(r["unit__building__zone__name"] or "—", r) for r in by_zone], kinds=kinds_col,
                  urls=[list_url("callbacks:queue", site_ids, zone=r["unit__building__zone_id"] or "", state="done")
                        for r in by_zone]),
        ]
        charts = [Chart("satisfaction", _("Callback results"),
                        [_("Satisfied"), _("Basically satisfied"), _("Unsatisfied"), _("Unreachable")],
                        [{"label": _("Callbacks"), "data": [agg["satisfied"], agg["basically"], agg["unsatisfied"],
                                                           agg["unreachable"]]}])]
        return self.block(figures=_figures(agg, site_ids), tables=tables, charts=charts)


def _relationship_block(section: Section, site_ids, start, end):
    """SPEC CB-08: completion of the relationship plan per zone (tasks, done, rate, overdue)."""
    rows = relationship_completion(site_ids=site_ids, start=start, end=end)
    tasks, done = sum(r["tasks"] for r in rows), sum(r["done"] for r in rows)
    overdue = sum(r["overdue"] for r in rows)
    url = list_url("callbacks:relationship_plans", site_ids)
    figures = [Figure("rel_tasks", _("Relationship tasks"), tasks, url=url),
               Figure("rel_done", _("Relationship tasks done"), done, url=url),
               Figure("rel_rate", _("Relationship plan completion"), rate(done, tasks), kind=RATE, url=url),
               Figure("rel_overdue", _("Relationship tasks overdue"), overdue, alert=True, url=url)]
    table = Table("rel_by_zone", _("Relationship plan completion per zone"),
                  [_("Zone"), _("Relationship tasks"), _("Relationship tasks done"), _("Relationship plan completion"),
                   _("Relationship tasks overdue")],
                  [[r["zone__name"], r["tasks"], r["done"], rate(r["done"], r["tasks"]), r["overdue"]] for r in rows],
                  kinds=["text", "count", "count", RATE, "count"])
    return section.block(figures=figures, tables=[table])


@register
class RelationshipSection(Section):
    key = "relationship"
    title = _("Relationship maintenance")
    order = 32
    requires = ("callbacks.RelationshipTask",)

    def dashboard(self, *, site_ids, now):
        month = timezone.localdate(now).replace(day=1)
        return _relationship_block(self, site_ids, month, _next_month(month))

    def monthly(self, *, site_ids, start, end):
        first = timezone.localtime(start).date().replace(day=1)
        return _relationship_block(self, site_ids, first, timezone.localtime(end).date())


def _next_month(d):
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)
