"""The zone ranking (A-02), missed inspections and rectifications on the dashboard (D-01) and in the
monthly report (D-02) — replacing the order count per zone that stood in for the ranking before."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.models import Zone
from inspections.appraisal import recognition_rates
from inspections.maintenance import overdue_occurrences
from inspections.models import AssessmentMonth, Inspection, Rectification, ZoneScore
from inspections.selectors import duties_missed, rectifications_overdue
from inspections.services import rank_key, zone_scores_compute
from reports.registry import NUMBER, RATE, Figure, Section, Table, register

HEADERS = [_("Rank"), _("Zone"), _("Public-area inspection"), _("Valid complaints"), _("Praise"),
           _("Resident evaluation"), _("Adjustment"), _("Score")]
KINDS = ["count", "text", NUMBER, "count", "count", NUMBER, NUMBER, NUMBER]


def ranking_table(*, site_ids: list[int], month) -> tuple[Table, bool]:
    """The month's ranking per site: the stored one (drafted / locked) or, before the draft, computed live.

    Returns the table and whether every site's ranking is locked."""
    months = {m.site_id: m for m in AssessmentMonth.objects.filter(site_id__in=site_ids, month=month)}
    stored = list(ZoneScore.objects.filter(month__in=months.values()).select_related("zone", "month__site")
                  .order_by("month__site_id", "rank"))
    rows, urls = [], []
    multi = len(site_ids) > 1
    for s in stored:
        name = f"{s.month.site.code} {s.zone.name}" if multi else s.zone.name
        rows.append([s.rank, name, s.inspection_score, s.valid_complaints, s.praise, s.resident_score, s.adjustment,
                     s.final])
        urls.append(reverse("inspections:ranking", args=[s.month_id]))
    live_sites = [sid for sid in site_ids if sid not in months]
    if live_sites:
        names = {z.pk: (f"{z.site.code} {z.name}" if multi else z.name)
                 for z in Zone.objects.filter(site_id__in=live_sites).select_related("site")}
        figures = zone_scores_compute(site_ids=live_sites, month=month)
        by_site: dict[int, list[dict]] = {}
        for zone_id, f in figures.items():
            by_site.setdefault(f["site_id"], []).append({**f, "zone_id": zone_id, "zone_name": names[zone_id],
                                                         "final": f["computed"]})
        for sid in sorted(by_site):
            for i, f in enumerate(sorted(by_site[sid], key=rank_key), start=1):
                rows.append([i, f["zone_name"], f["inspection_score"], f["valid_complaints"], f["praise"],
                             f["resident_score"], 0, f["final"]])
                urls.append(reverse("inspections:rankings"))
    locked = bool(months) and not live_sites and all(m.locked_at for m in months.values())
    title = _("Zone ranking (locked)") if locked else _("Zone ranking (draft)")
    return Table("zone_ranking", title, [str(h) for h in HEADERS], rows, kinds=KINDS, urls=urls), locked


@register
class InspectionSection(Section):
    key = "inspections"
    title = _("Inspections and zone ranking")
    order = 45
    requires = ("inspections.Inspection", "inspections.ZoneScore")

    def dashboard(self, *, site_ids: list[int], now: datetime):
        missed = duties_missed(site_ids=site_ids).filter(period_end__gt=timezone.localdate(now) - timedelta(days=31))
        overdue = rectifications_overdue(site_ids=site_ids, now=now).count()
        open_ = Rectification.objects.filter(site_id__in=site_ids).exclude(
            status=Rectification.Status.VERIFIED).count()
        figures = [
            Figure("missed_inspections", _("Missed inspections (31 days)"), missed.count(), alert=missed.exists(),
                   url=reverse("inspections:duties") + "?state=missed"),
            Figure("rectifications_open", _("Rectifications not closed"), open_,
                   url=reverse("inspections:rectifications")),
            Figure("rectifications_overdue", _("Rectifications overdue"), overdue, alert=overdue > 0,
                   url=reverse("inspections:rectifications") + "?state=overdue"),
        ]
        maintenance = overdue_occurrences(site_ids=site_ids).count()
        figures.append(Figure("maintenance_overdue", _("Overdue planned maintenance"), maintenance,
                              alert=maintenance > 0, url=reverse("inspections:plans")))
        last = (timezone.localdate(now).replace(day=1) - timedelta(days=1)).replace(day=1)
        table, _locked = ranking_table(site_ids=site_ids, month=last)
        return self.block(figures=figures, tables=[table])

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        month = timezone.localdate(start).replace(day=1)
        table, locked = ranking_table(site_ids=site_ids, month=month)
        insp = Inspection.objects.filter(site_id__in=site_ids, inspected_at__gte=start, inspected_at__lt=end)
        rects = Rectification.objects.filter(site_id__in=site_ids, inspection__inspected_at__gte=start,
                                             inspection__inspected_at__lt=end)
        missed = duties_missed(site_ids=site_ids).filter(period_start__gte=month,
                                                         period_start__lt=timezone.localdate(end))
        figures = [
            Figure("inspections", _("Inspections"), insp.count(), url=reverse("inspections:list")),
            Figure("rectifications", _("Rectifications raised"), rects.count(),
                   url=reverse("inspections:rectifications")),
            Figure("rectifications_closed", _("Rectifications verified"),
                   rects.filter(status=Rectification.Status.VERIFIED).count()),
            Figure("missed_inspections", _("Missed inspections"), missed.count(), alert=missed.exists(),
                   url=reverse("inspections:duties") + "?state=missed"),
        ]
        notes = [] if locked else [_("The ranking of this month is not locked yet.")]
        return self.block(figures=figures, tables=[table, recognition_table(site_ids=site_ids, start=start, end=end)],
                          notes=notes)


def recognition_table(*, site_ids: list[int], start: datetime, end: datetime) -> Table:
    """A-06 / O-04: each zone's recognition rate from the spot checks, against the 90 % target."""
    rates = recognition_rates(site_ids=site_ids, start=start, end=end)
    zones = Zone.objects.filter(pk__in=list(rates)).select_related("site").order_by("site_id", "name")
    multi = len(site_ids) > 1
    rows = [[f"{z.site.code} {z.name}" if multi else z.name, rates[z.pk]["asked"], rates[z.pk]["knew"],
             rates[z.pk]["rate"], _("yes") if rates[z.pk]["met"] else _("no")] for z in zones]
    return Table("recognition", _("Recognition of residents (target ≥ 90%)"),
                 [str(_("Zone")), str(_("Asked")), str(_("Knew")), str(_("Rate")), str(_("Target met"))], rows,
                 kinds=["text", "count", "count", RATE, "text"],
                 urls=[reverse("inspections:recognition")] * len(rows))
