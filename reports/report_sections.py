"""Deadlines (SPEC §15, X-04): breaches and clocks past due, by rule code."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.models import ApprovalRequest, Deadline, DeadlinePolicy
from reports.registry import Figure, Section, Table, register
from reports.selectors import list_url, today_range


def _deadlines(site_ids):

    return Deadline.objects.filter(site_id__in=site_ids)


def _overdue_q(now: datetime) -> Q:
    """Past due now: a running clock past its due time (sweep not yet run) or a recorded breach."""

    return Q(state=Deadline.State.RUNNING, due_at__lte=now) | Q(state=Deadline.State.BREACHED)


@register
class DeadlineSection(Section):
    key = "deadlines"
    title = _("Deadlines")
    order = 80
    requires = ("core.Deadline",)

    def _by_code(self, qs, site_ids, *, state: str, **filters) -> Table:

        rows = list(qs.values("code").annotate(n=Count("id")).order_by("-n", "code"))
        names = dict(DeadlinePolicy.objects.filter(site__isnull=True, code__in=[r["code"] for r in rows])
                     .values_list("code", "name"))
        # the rule by its translated name (the code is on the timer list each row links to; issue 20.1)
        return Table(key="by_code", title=_("By rule"), headers=[_("Rule"), _("Count")],
                     kinds=["text", "count"],
                     rows=[[_(names.get(r["code"], r["code"])), r["n"]] for r in rows],
                     urls=[list_url("core:deadline_list", site_ids, state=state, code=r["code"], **filters)
                           for r in rows])

    def dashboard(self, *, site_ids, now):

        qs = _deadlines(site_ids)
        t_start, t_end = today_range(now)
        week_ago = now - timedelta(days=7)
        agg = qs.aggregate(
            running_overdue=Count("id", filter=Q(state=Deadline.State.RUNNING, due_at__lte=now)),
            due_today=Count("id", filter=Q(state=Deadline.State.RUNNING, due_at__gt=now, due_at__lt=t_end)),
            breached_7d=Count("id", filter=Q(state=Deadline.State.BREACHED, breached_at__gte=week_ago)),
        )

        figures = [
            Figure("running_overdue", _("Clocks past due"), agg["running_overdue"], alert=True,
                   url=list_url("core:deadline_list", site_ids, overdue=1)),
            Figure("due_today", _("Clocks due later today"), agg["due_today"],
                   url=list_url("core:deadline_list", site_ids, state="running", due="today")),
            Figure("breached_7d", _("Breaches in the last 7 days"), agg["breached_7d"], alert=True,
                   url=list_url("core:deadline_list", site_ids, state="breached")),
        ]
        table = self._by_code(qs.filter(_overdue_q(now), Q(breached_at__isnull=True) | Q(breached_at__gte=week_ago)),
                              site_ids, state="breached")
        table.title = str(_("Past due or breached in the last 7 days, by rule"))
        return self.block(figures=figures, tables=[table])

    def digest(self, *, site_ids, now):
        return self.dashboard(site_ids=site_ids, now=now)

    def monthly(self, *, site_ids, start, end):


        qs = _deadlines(site_ids)
        agg = qs.aggregate(
            started=Count("id", filter=Q(started_at__gte=start, started_at__lt=end)),
            met=Count("id", filter=Q(state=Deadline.State.MET, stopped_at__gte=start, stopped_at__lt=end)),
            breached=Count("id", filter=Q(state=Deadline.State.BREACHED, breached_at__gte=start, breached_at__lt=end)),
        )
        figures = [
            Figure("started", _("Clocks started"), agg["started"]),
            Figure("met", _("Clocks met"), agg["met"]),
            Figure("breached", _("Breaches"), agg["breached"], alert=True),
        ]
        table = self._by_code(qs.filter(state=Deadline.State.BREACHED, breached_at__gte=start, breached_at__lt=end),
                              site_ids, state="breached")
        table.title = str(_("Breaches by rule"))
        return self.block(figures=figures, tables=[table])


@register
class ApprovalSection(Section):
    """SPEC T-18: approvals waiting for the named role's decision, and those past their decision clock."""

    key = "approvals"
    title = _("Approvals")
    order = 81
    requires = ("core.ApprovalRequest",)

    def dashboard(self, *, site_ids, now):
        pending = ApprovalRequest.objects.filter(site_id__in=site_ids, status=ApprovalRequest.Status.PENDING)
        waiting = pending.count()
        overdue = _deadlines(site_ids).filter(_overdue_q(now), code__startswith="approval.",
                                              subject_type=ContentType.objects.get_for_model(ApprovalRequest),
                                              subject_id__in=pending.values("pk")).count()
        return self.block(figures=[
            Figure("waiting", _("Approvals waiting for a decision"), waiting,
                   url=list_url("core:approval_list", site_ids, status="pending")),
            Figure("overdue", _("Approvals past their decision time"), overdue, alert=True,
                   url=list_url("core:approval_list", site_ids, status="pending")),
        ])

    def digest(self, *, site_ids, now):
        return self.dashboard(site_ids=site_ids, now=now)
