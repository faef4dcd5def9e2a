"""Survey blocks for the dashboard (D-01) and the monthly report (D-02). Invalid campaigns (S-04) give
no satisfaction figure: they are counted as invalid and left out of every rate."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.registry import COUNT, RATE, Block, Chart, Figure, Section, Table, rate, register
from surveys.models import SATISFIED_GRADES, Campaign, CorrectiveAction, Rating


def _satisfaction(site_ids: list[int], **closed) -> tuple[int, int]:
    agg = Rating.objects.filter(campaign__site_id__in=site_ids, campaign__status=Campaign.Status.CLOSED,
                                campaign__is_valid=True, **{f"campaign__closed_at__{k}": v for k, v in closed.items()}
                                ).aggregate(n=Count("id"), s=Count("id", filter=Q(grade__in=SATISFIED_GRADES)))
    return agg["s"], agg["n"]


@register
class SurveySection(Section):
    key = "surveys"
    title = _("Satisfaction surveys")
    order = 45
    requires = ("surveys.Campaign",)

    def dashboard(self, *, site_ids: list[int], now: datetime) -> Block | None:
        url = reverse("surveys:campaign_list")
        campaigns = Campaign.objects.filter(site_id__in=site_ids)
        open_count = campaigns.filter(status=Campaign.Status.OPEN).count()
        last = campaigns.filter(status=Campaign.Status.CLOSED, is_valid=True).order_by("-closed_at").first()
        s, n = (0, 0)
        if last is not None:
            agg = last.ratings.aggregate(n=Count("id"), s=Count("id", filter=Q(grade__in=SATISFIED_GRADES)))
            s, n = agg["s"], agg["n"]
        overdue = CorrectiveAction.objects.filter(site_id__in=site_ids, status=CorrectiveAction.Status.OPEN,
                                                  due_date__lt=timezone.localdate(now)).count()
        return self.block(figures=[
            Figure("open_campaigns", _("Surveys collecting"), open_count, COUNT, url),
            Figure("satisfaction", _("Satisfaction rate (last valid survey)"), rate(s, n), RATE,
                   last.get_absolute_url() if last else url),
            Figure("actions_overdue", _("Corrective actions overdue"), overdue, COUNT, url, alert=overdue > 0),
        ])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime) -> Block | None:
        closed = (Campaign.objects.filter(site_id__in=site_ids, status=Campaign.Status.CLOSED, closed_at__gte=start,
                                          closed_at__lt=end)
                  .annotate(n=Count("ratings"), s=Count("ratings", filter=Q(ratings__grade__in=SATISFIED_GRADES)))
                  .select_related("site").order_by("closed_at"))
        rows = list(closed)
        valid = [c for c in rows if c.is_valid]
        s, n = _satisfaction(site_ids, gte=start, lt=end)
        done = CorrectiveAction.objects.filter(site_id__in=site_ids, done_at__gte=start, done_at__lt=end).count()
        table = Table("campaigns", _("Survey campaigns closed"),
                      [_("Campaign"), _("Site"), _("Response rate"), _("Valid"), _("Satisfaction rate")],
                      [[c.title, c.site.name, c.response_rate or 0, _("Valid") if c.is_valid else _("Invalid"),
                        rate(c.s, c.n) if c.is_valid else 0] for c in rows],
                      kinds=["text", "text", RATE, "text", RATE],
                      urls=[c.get_absolute_url() for c in rows])
        charts = []
        if valid:
            charts.append(Chart("satisfaction", _("Satisfaction rate (valid surveys)"), [c.title for c in valid],
                                [{"label": _("Satisfaction rate"), "data": [rate(c.s, c.n) for c in valid]}]))
        return self.block(figures=[
            Figure("closed", _("Surveys closed"), len(rows), COUNT),
            Figure("valid", _("Valid surveys"), len(valid), COUNT),
            Figure("invalid", _("Invalid surveys (response rate not above 85%)"), len(rows) - len(valid), COUNT),
            Figure("satisfaction", _("Satisfaction rate (valid surveys)"), rate(s, n), RATE),
            Figure("actions_done", _("Corrective actions done"), done, COUNT),
        ], tables=[table], charts=charts)
