"""Complaints (投诉, SPEC C-rules, C-10 statistics): open / overdue, escalations awaiting acknowledgement,
12-month trend, valid-complaint rate per 100 households, by category / department / zone / level.

Counted as in `complaints.selectors.complaint_statistics` (the C-10 definitions), but each figure is
one aggregate in the database (SPEC D-04): complaints (not praise) received in the period; timely =
handled or closed and not late; timeliness rate = timely / (timely + late).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Category,
    Cause,
    Complaint,
    Escalation,
    Level,
    MonthlyAnalysis,
    ResponsibilityReview,
    Severity,
)
from core.models import Deadline
from estates.models import Site
from reports.registry import NUMBER, RATE, Chart, Figure, Section, Table, cached, rate, register
from reports.selectors import day_start, list_url, local, month_range, months_back, today_range, yesterday_range
from tickets.service_rate import three_minute_counts

TARGET_PER_100 = Decimal("2")  # SPEC C-10: valid complaints < 2 % of households per year


def _complaints(site_ids):

    return Complaint.objects.filter(site_id__in=site_ids, kind=Complaint.Kind.COMPLAINT)


def _open_q() -> Q:
    """Open = neither closed nor invalid, as a positive list so the (site, status) index serves it."""

    return Q(status__in=[s for s in Complaint.Status.values
                         if s not in (Complaint.Status.CLOSED, Complaint.Status.INVALID)])


def _overdue_q(now) -> Q:
    """As the complaint list's overdue=1: an open complaint with a breached or past-due clock."""


    ct = ContentType.objects.get_for_model(Complaint)
    late = Deadline.objects.filter(subject_type=ct, subject_id=OuterRef("pk")).filter(
        Q(state=Deadline.State.BREACHED) | Q(state=Deadline.State.RUNNING, due_at__lte=now))
    return _open_q() & Q(Exists(late))


def households(site_ids) -> int:
    """Denominator of the valid-complaint rate: registered households, else the unit count (one query)."""

    rows = Site.objects.filter(pk__in=site_ids).annotate(n_units=Count("units")).values("households", "n_units")
    return sum(r["households"] or r["n_units"] for r in rows)


def per_100(valid: int, households_: int) -> Decimal:
    if not households_:
        return Decimal("0.000")
    return (Decimal(valid) * 100 / households_).quantize(Decimal("0.001"), ROUND_HALF_UP)


def statistics_block(section: Section, *, site_ids, start, end, trend: bool = True):
    """C-10 statistics of complaints received in [start, end): used by the monthly report and the
    weekly/monthly distribution-list mails."""

    S = Complaint.Status
    qs = _complaints(site_ids).filter(received_at__gte=start, received_at__lt=end)
    done = Q(status__in=[S.HANDLED, S.CLOSED])
    agg = qs.aggregate(
        total=Count("id"),
        valid=Count("id", filter=Q(is_valid=True)),
        invalid=Count("id", filter=Q(is_valid=False)),
        unclassified=Count("id", filter=Q(is_valid__isnull=True)),
        emergency=Count("id", filter=Q(severity=Severity.EMERGENCY)),
        major=Count("id", filter=Q(severity=Severity.MAJOR)),
        closed=Count("id", filter=Q(status=S.CLOSED)),
        open=Count("id", filter=_open_q()),
        on_time=Count("id", filter=done & Q(was_late=False)),
        late=Count("id", filter=Q(was_late=True)),
        escalated=Count("id", filter=Q(level__gt=Level.FRONT_DESK)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
    )
    praise = Complaint.objects.filter(site_id__in=site_ids, kind=Complaint.Kind.PRAISE, received_at__gte=start,
                                      received_at__lt=end).count()
    hh = households(site_ids)
    days = max(Decimal(str((end - start).total_seconds() / 86400)), Decimal(1))
    period_rate = per_100(agg["valid"], hh)
    annual = (period_rate * Decimal(365) / days).quantize(Decimal("0.01"), ROUND_HALF_UP)
    figures = [
        Figure("total", _("Complaints received"), agg["total"], url=list_url("complaints:complaint_list", site_ids)),
        Figure("valid", _("Valid complaints"), agg["valid"],
               url=list_url("complaints:complaint_list", site_ids, valid=1)),
        Figure("invalid", _("Invalid complaints"), agg["invalid"],
               url=list_url("complaints:complaint_list", site_ids, valid=0)),
        Figure("unclassified", _("Not yet classified"), agg["unclassified"]),
        Figure("emergency", _("Emergency complaints"), agg["emergency"]),
        Figure("major", _("Major complaints"), agg["major"]),
        Figure("closed", _("Closed"), agg["closed"]),
        Figure("open", _("Still open"), agg["open"]),
        Figure("on_time", _("Handled on time"), agg["on_time"]),
        Figure("late", _("Handled late"), agg["late"], alert=True),
        Figure("timely_rate", _("Timeliness rate"), rate(agg["on_time"], agg["on_time"] + agg["late"]), kind=RATE),
        Figure("escalated", _("Escalated"), agg["escalated"]),
        Figure("reopened", _("Reopened after callback"), agg["reopened"]),
        Figure("praise", _("Praise received"), praise),
        Figure("households", _("Households"), hh),
        Figure("valid_per_100", _("Valid complaints per 100 households (period)"), period_rate, kind=NUMBER),
        Figure("valid_per_100_annual", _("Valid complaints per 100 households (annualised, target < 2)"), annual,
               kind=NUMBER, alert=annual >= TARGET_PER_100),
    ]
    cat_labels = dict(Category.choices)
    by_cat = list(qs.values("category").annotate(n=Count("id"), valid=Count("id", filter=Q(is_valid=True)))
                  .order_by("-n", "category"))
    by_dept = list(qs.values("department_id", "department__name")
                   .annotate(n=Count("id"), valid=Count("id", filter=Q(is_valid=True)),
                             late=Count("id", filter=Q(was_late=True)))
                   .order_by("-n", "department__name"))
    by_zone = list(qs.values("unit__building__zone_id", "unit__building__zone__name")
                   .annotate(n=Count("id"), valid=Count("id", filter=Q(is_valid=True)))
                   .order_by("-n", "unit__building__zone__name"))
    by_level = {r["level"]: r["n"] for r in qs.values("level").annotate(n=Count("id")).order_by()}
    cause_labels = dict(Cause.choices)
    by_cause = list(qs.values("cause_kind").annotate(n=Count("id")).order_by("-n", "cause_kind"))
    by_validity_rows = [[_("Valid"), agg["valid"]], [_("Invalid"), agg["invalid"]],
                        [_("Not yet classified"), agg["unclassified"]]]
    tables = [
        Table("by_category", _("Complaints by category"), [_("Category"), _("Complaints"), _("Valid")],
              [[cat_labels.get(r["category"], "—") if r["category"] else "—", r["n"], r["valid"]] for r in by_cat],
              urls=[list_url("complaints:complaint_list", site_ids, category=r["category"]) for r in by_cat]),
        Table("by_department", _("Complaints by department"),
              [_("Department"), _("Complaints"), _("Valid"), _("Late")],
              [[r["department__name"] or "—", r["n"], r["valid"], r["late"]] for r in by_dept],
              urls=[list_url("complaints:complaint_list", site_ids, department=r["department_id"] or "")
                    for r in by_dept]),
        Table("by_zone", _("Complaints by zone"), [_("Zone"), _("Complaints"), _("Valid")],
              [[r["unit__building__zone__name"] or "—", r["n"], r["valid"]] for r in by_zone],
              urls=[list_url("complaints:complaint_list", site_ids, zone=r["unit__building__zone_id"] or "")
                    for r in by_zone]),
        Table("by_cause", _("Complaints by cause"), [_("Cause"), _("Complaints")],  # C-13 → C-10
              [[cause_labels.get(r["cause_kind"], _("Cause not yet recorded")), r["n"]] for r in by_cause]),
        Table("by_validity", _("Complaints by validity"), [_("Validity"), _("Complaints")], by_validity_rows),
        Table("by_level", _("Complaints by escalation level"), [_("Level"), _("Complaints")],
              [[lv.label, by_level.get(int(lv), 0)] for lv in Level],
              urls=[list_url("complaints:complaint_list", site_ids, level=int(lv)) for lv in Level]),
    ]
    charts = []
    if trend:
        charts.append(trend_chart(site_ids, local(end - (end - start) / 2).date()))
    if by_cat:
        charts.append(Chart("by_category", _("Complaints by category"), [row[0] for row in tables[0].rows],
                            [{"label": _("Complaints"), "data": [row[1] for row in tables[0].rows]},
                             {"label": _("Valid"), "data": [row[2] for row in tables[0].rows]}]))
    return section.block(figures=figures, tables=tables, charts=charts)


def trend_chart(site_ids, month) -> Chart:
    """Complaints and valid complaints per month, the 12 months ending with `month` (one GROUP BY)."""
    months = months_back(month, 12)
    start, _end = month_range(months[0])
    _s, end = month_range(months[-1])
    rows = (_complaints(site_ids).filter(received_at__gte=start, received_at__lt=end)
            .annotate(m=TruncMonth("received_at", tzinfo=timezone.get_current_timezone()))
            .values("m").annotate(n=Count("id"), valid=Count("id", filter=Q(is_valid=True))).order_by("m"))
    by_month = {local(r["m"]).date().replace(day=1) if hasattr(r["m"], "hour") else r["m"]: r for r in rows}
    return Chart("trend", _("Complaint trend, 12 months"), [f"{m:%Y-%m}" for m in months],
                 [{"label": _("Complaints"), "data": [by_month.get(m, {}).get("n", 0) for m in months]},
                  {"label": _("Valid"), "data": [by_month.get(m, {}).get("valid", 0) for m in months]}],
                 type="line")


def three_minute_figure(site_ids, *, start, end, now, label) -> Figure:
    """SPEC C-14: the share of orders with someone on the way within ticket.dispatch.standard (✎ per site)."""
    counts = three_minute_counts(site_ids=list(site_ids), start=start, end=end, now=now)
    return Figure("three_minute_rate", label, rate(counts["on_time"], counts["measured"]), kind=RATE,
                  url=list_url("tickets:order_list", site_ids))


def monthly_records_waiting(site_ids) -> list[Figure]:
    """C-10 analyses waiting for the director's approval; C-16 reviews not yet complete (each has a clock)."""
    waiting = MonthlyAnalysis.objects.filter(site_id__in=site_ids, status__in=[
        MonthlyAnalysis.Status.DUE, MonthlyAnalysis.Status.SUBMITTED, MonthlyAnalysis.Status.RETURNED]).count()
    reviews = ResponsibilityReview.objects.filter(site_id__in=site_ids, completed_at__isnull=True).count()
    return [Figure("analyses_open", _("Monthly analyses not yet approved"), waiting,
                   url=list_url("complaints:analysis_list", site_ids)),
            Figure("reviews_open", _("Responsibility reviews not yet done"), reviews,
                   url=list_url("complaints:review_list", site_ids))]


def _escalations(site_ids):

    return Escalation.objects.filter(site_id__in=site_ids, acknowledged_at__isnull=True)


@register
class ComplaintSection(Section):
    key = "complaints"
    title = _("Complaints")
    order = 20
    requires = ("complaints.Complaint", "complaints.Escalation")

    def _live_figures(self, site_ids, now):

        t_start, t_end = today_range(now)
        agg = _complaints(site_ids).filter(_open_q()).aggregate(
            open=Count("id"),
            overdue=Count("id", filter=_overdue_q(now)),
            emergency_open=Count("id", filter=Q(severity=Severity.EMERGENCY)),
        )
        agg["received_today"] = _complaints(site_ids).filter(received_at__gte=t_start, received_at__lt=t_end).count()
        unacked = _escalations(site_ids).count()
        return agg, unacked, [
            Figure("open", _("Open complaints"), agg["open"],
                   url=list_url("complaints:complaint_list", site_ids, open=1)),
            Figure("overdue", _("Overdue complaints"), agg["overdue"], alert=True,
                   url=list_url("complaints:complaint_list", site_ids, overdue=1)),
            Figure("emergency_open", _("Open emergency complaints"), agg["emergency_open"], alert=True,
                   url=list_url("complaints:complaint_list", site_ids, severity=Severity.EMERGENCY, open=1)),
            Figure("escalations_unacked", _("Escalations awaiting acknowledgement"), unacked, alert=True,
                   url=list_url("complaints:escalation_list", site_ids, unacked=1)),
        ]

    def dashboard(self, *, site_ids, now):

        _agg, _unacked, figures = self._live_figures(site_ids, now)
        year_start = day_start(local(now).date().replace(month=1, day=1))
        valid_year = cached(self, "valid_year", site_ids, lambda: _complaints(site_ids).filter(
            received_at__gte=year_start, is_valid=True).count(), bucket=f"{now:%Y%m%d%H}")
        hh = households(site_ids)
        figures.append(Figure("valid_year", _("Valid complaints this year"), valid_year,
                              url=list_url("complaints:complaint_list", site_ids, valid=1)))
        figures.append(Figure("valid_per_100_year", _("Valid complaints per 100 households, this year"),
                              per_100(valid_year, hh), kind=NUMBER, alert=per_100(valid_year, hh) >= TARGET_PER_100))
        figures.append(three_minute_figure(site_ids, start=now - timedelta(days=30), end=now, now=now,
                                           label=_("Three-minute service rate, 30 days")))
        figures += monthly_records_waiting(site_ids)
        open_by_level = {r["level"]: r["n"] for r in _complaints(site_ids).filter(_open_q())
                         .values("level").annotate(n=Count("id")).order_by()}
        by_zone = list(_complaints(site_ids).filter(_open_q())
                       .values("unit__building__zone_id", "unit__building__zone__name")
                       .annotate(n=Count("id")).order_by("-n", "unit__building__zone__name"))
        tables = [
            Table("open_by_level", _("Open complaints by escalation level"), [_("Level"), _("Open items")],
                  [[lv.label, open_by_level.get(int(lv), 0)] for lv in Level],
                  urls=[list_url("complaints:complaint_list", site_ids, level=int(lv), open=1) for lv in Level]),
            Table("open_by_zone", _("Open complaints by zone"), [_("Zone"), _("Open items")],
                  [[r["unit__building__zone__name"] or "—", r["n"]] for r in by_zone],
                  urls=[list_url("complaints:complaint_list", site_ids, zone=r["unit__building__zone_id"] or "",
                                 open=1) for r in by_zone]),
        ]
        trend = cached(self, "trend", site_ids, lambda: trend_chart(site_ids, local(now).date()),
                       bucket=f"{local(now):%Y%m%d}")
        return self.block(figures=figures, tables=tables, charts=[trend])

    def digest(self, *, site_ids, now):
        _agg, _unacked, figures = self._live_figures(site_ids, now)
        y_start, y_end = yesterday_range(now)
        received_y = _complaints(site_ids).filter(received_at__gte=y_start, received_at__lt=y_end).count()
        figures.append(Figure("received_yesterday", _("Complaints received yesterday"), received_y))
        return self.block(figures=figures)

    def monthly(self, *, site_ids, start, end):
        block = statistics_block(self, site_ids=site_ids, start=start, end=end)

        esc = Escalation.objects.filter(site_id__in=site_ids, at__gte=start, at__lt=end).aggregate(
            n=Count("id"), acked=Count("id", filter=Q(acknowledged_at__isnull=False)))
        block.figures.append(Figure("escalations", _("Escalations in the period"), esc["n"]))
        block.figures.append(Figure("escalations_acked", _("Escalations acknowledged"), esc["acked"]))
        block.figures.append(three_minute_figure(site_ids, start=start, end=end, now=end,
                                                 label=_("Three-minute service rate")))
        return block
