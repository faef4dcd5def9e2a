"""Handover and move-in on the dashboard (D-01) and in the monthly report (D-02): open defects by age,
move-ins this month."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from handover.models import Defect, MoveIn
from reports.registry import Figure, Section, Table, register

OPEN = [Defect.Status.OPEN, Defect.Status.RECTIFIED]


def _age_table(site_ids: list[int], now: datetime) -> Table:
    bands = [(_("Up to 7 days"), 0, 7), (_("8–30 days"), 8, 30), (_("31–90 days"), 31, 90),
             (_("Over 90 days"), 91, None)]
    agg = {}
    for i, (_label, lo, hi) in enumerate(bands):
        cond = Q(created_at__lte=now - timedelta(days=lo))
        if hi is not None:
            cond &= Q(created_at__gt=now - timedelta(days=hi + 1))
        agg[f"b{i}"] = Count("pk", filter=cond)
    counts = Defect.objects.filter(site_id__in=site_ids, status__in=OPEN).aggregate(**agg)
    url = reverse("handover:defects") + "?state=open"
    return Table("defects_by_age", _("Open defects by age"), [str(_("Age")), str(_("Defects"))],
                 [[label, counts[f"b{i}"]] for i, (label, _lo, _hi) in enumerate(bands)], urls=[url] * len(bands))


@register
class HandoverSection(Section):
    key = "handover"
    title = _("Handover and move-in")
    order = 70
    requires = ("handover.Defect", "handover.MoveIn")

    def dashboard(self, *, site_ids: list[int], now: datetime):
        d = Defect.objects.filter(site_id__in=site_ids).aggregate(
            open=Count("pk", filter=Q(status__in=OPEN)),
            overdue=Count("pk", filter=Q(status=Defect.Status.OPEN, due_at__lt=now)),
            reinspect=Count("pk", filter=Q(status=Defect.Status.RECTIFIED)))
        month = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        m = MoveIn.objects.filter(site_id__in=site_ids).aggregate(
            done=Count("pk", filter=Q(step=MoveIn.Step.DONE, completed_at__gte=month)),
            open=Count("pk", filter=~Q(step__in=[MoveIn.Step.DONE, MoveIn.Step.CANCELLED])))
        defects, desk = reverse("handover:defects"), reverse("handover:desk")
        figures = [
            Figure("defects_open", _("Defects not closed"), d["open"], url=defects + "?state=open"),
            Figure("defects_overdue", _("Defects past the developer's deadline"), d["overdue"],
                   alert=d["overdue"] > 0, url=defects + "?state=overdue"),
            Figure("defects_reinspect", _("Defects to re-inspect"), d["reinspect"], url=defects + "?state=rectified"),
            Figure("move_ins_month", _("Units handed over this month"), m["done"], url=desk + "?step=done"),
            Figure("move_ins_open", _("Move-ins in progress"), m["open"], url=desk),
        ]
        return self.block(figures=figures, tables=[_age_table(site_ids, now)])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        d = Defect.objects.filter(site_id__in=site_ids).aggregate(
            listed=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
            closed=Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end)),
            open_end=Count("pk", filter=Q(created_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))))
        done = MoveIn.objects.filter(site_id__in=site_ids, step=MoveIn.Step.DONE, completed_at__gte=start,
                                     completed_at__lt=end).count()
        figures = [Figure("move_ins", _("Units handed over"), done, url=reverse("handover:desk")),
                   Figure("defects_listed", _("Defects listed"), d["listed"], url=reverse("handover:defects")),
                   Figure("defects_closed", _("Defects closed after re-inspection"), d["closed"]),
                   Figure("defects_open_end", _("Defects open at month end"), d["open_end"])]
        return self.block(figures=figures)
