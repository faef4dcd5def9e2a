"""Renovation in the dashboard, the daily digest and the monthly report (issue 17 part 9; D-01, D-02):
active renovations, violations by type, acceptance on time, deposits held and refunded."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fees.selectors import deposit_movements_before
from renovation.models import Renovation, Violation
from renovation.selectors import BOARD
from reports.registry import MONEY, Figure, Section, Table, register


def _list(state: str = "") -> str:
    url = reverse("renovation:list")
    return f"{url}?state={state}" if state else url


def _deposits(site_ids: list[int], start: datetime | None, end: datetime) -> dict:
    qs = deposit_movements_before(site_ids=site_ids, reference_prefix="ZX:", end=end)
    taken = qs.filter(kind="taken").aggregate(s=Sum("amount"))["s"] or 0
    out = qs.exclude(kind="taken").aggregate(s=Sum("amount"))["s"] or 0
    period = qs.filter(at__gte=start) if start else qs
    refunded = period.filter(kind="refunded").aggregate(s=Sum("amount"))["s"] or 0
    deducted = period.filter(kind="deducted").aggregate(s=Sum("amount"))["s"] or 0
    return {"held": taken - out, "refunded": refunded, "deducted": deducted}


@register
class RenovationSection(Section):
    key = "renovation"
    title = _("Renovation")
    order = 65
    requires = ("renovation.Renovation", "renovation.Violation")

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        rens = Renovation.objects.filter(site_id__in=site_ids)
        accepted = rens.filter(acceptance_applied_at__gte=start, acceptance_applied_at__lt=end)
        money = _deposits(site_ids, start, end)
        by_rule = dict(Violation.objects.filter(site_id__in=site_ids, recorded_at__gte=start, recorded_at__lt=end)
                       .values_list("rule").annotate(n=Count("id")))
        figures = [
            Figure("active", _("Active renovations"), rens.filter(BOARD["active"]).count(), url=_list("active")),
            Figure("registered", _("Applications registered"),
                   rens.filter(registered_at__gte=start, registered_at__lt=end).count(), url=_list()),
            Figure("acceptance_applied", _("Acceptance applied for"), accepted.count(),
                   url=_list("awaiting_acceptance")),
            Figure("acceptance_late", _("Acceptance applied for late"), accepted.filter(acceptance_late=True).count(),
                   alert=accepted.filter(acceptance_late=True).exists()),
            Figure("violations", _("Violations"), sum(by_rule.values()), alert=bool(by_rule)),
            Figure("deposits_held", _("Deposits held"), money["held"], kind=MONEY),
            Figure("deposits_refunded", _("Deposits refunded"), money["refunded"], kind=MONEY),
            Figure("deposits_deducted", _("Deducted from deposits"), money["deducted"], kind=MONEY),
        ]
        table = Table("violations_by_rule", _("Violations by type"), [str(_("Rule broken")), str(_("Violations"))],
                      [[label, by_rule.get(value, 0)] for value, label in Violation.Rule.choices])
        return self.block(figures=figures, tables=[table])

    def dashboard(self, *, site_ids: list[int], now: datetime):
        counts = Renovation.objects.filter(site_id__in=site_ids).aggregate(
            **{k: Count("id", filter=q) for k, q in BOARD.items() if k != "closed"},
            open_violations=Count("violations", filter=Q(violations__status="open")))
        money = _deposits(site_ids, None, now)
        return self.block(figures=[
            Figure("active", _("Active renovations"), counts["active"], url=_list("active")),
            Figure("overdue_patrol", _("Renovations without today's patrol"), counts["overdue_patrol"], alert=True,
                   url=_list("overdue_patrol")),
            Figure("in_review", _("Renovations in review"), counts["in_review"], url=_list("in_review")),
            Figure("awaiting_acceptance", _("Renovations awaiting acceptance"), counts["awaiting_acceptance"],
                   url=_list("awaiting_acceptance")),
            Figure("deposits_held", _("Deposits held"), money["held"], kind=MONEY),
        ])

    def digest(self, *, site_ids: list[int], now: datetime):
        return self.dashboard(site_ids=site_ids, now=now)
