"""Fees in the dashboard and the monthly report (SPEC F-03 collection rate per zone, F-04 energy use,
D-01, D-02). Figures are database aggregates (fees.selectors)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fees.models import ChargeItem, Payment, Reversal
from fees.selectors import collection_rate, consumption
from reports.registry import MONEY, NUMBER, RATE, Figure, Section, Table, register


def _sum(rows, key: str) -> Decimal:
    return sum((r[key] or Decimal(0) for r in rows), Decimal(0))


@register
class FeeSection(Section):
    key = "fees"
    title = _("Fees")
    order = 55
    requires = ("fees.Bill", "fees.Payment", "fees.MeterReading")

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):
        period = timezone.localdate(start).replace(day=1)
        rates = collection_rate(site_ids=site_ids, period=period)
        billed, collected = _sum(rates, "billed"), _sum(rates, "collected")
        received = Payment.objects.filter(site_id__in=site_ids, received_at__gte=start, received_at__lt=end,
                                          purpose="charges").aggregate(s=Sum("amount"))["s"] or Decimal(0)
        reversed_ = Reversal.objects.filter(site_id__in=site_ids, at__gte=start, at__lt=end).aggregate(
            s=Sum("amount"))["s"] or Decimal(0)
        arrears = reverse("fees:arrears")
        figures = [
            Figure("billed", _("Billed for the month"), billed, kind=MONEY, url=arrears),
            Figure("collected", _("Of it collected"), collected, kind=MONEY),
            Figure("collection_rate", _("Collection rate"),
                   (collected / billed * 100).quantize(Decimal("0.1")) if billed else 0, kind=RATE),
            Figure("received", _("Payments received in the month"), received - reversed_, kind=MONEY,
                   url=reverse("fees:receipts")),
        ]
        zones = Table("collection_by_zone", _("Collection rate per zone"),
                      [str(_("Site")), str(_("Zone")), str(_("Billed")), str(_("Collected")), str(_("Rate"))],
                      [[r["site__name"], r["unit__building__zone__name"] or "—", r["billed"], r["collected"],
                        r["rate"] or 0] for r in rates], kinds=["text", "text", MONEY, MONEY, RATE])
        use = consumption(site_ids=site_ids, period=period)
        kinds = dict(ChargeItem.Meter.choices)
        energy = Table("energy", _("Energy use (meter readings)"),
                       [str(_("Site")), str(_("Building")), str(_("Meter")), str(_("Consumption")),
                        str(_("Common areas"))],
                       [[r["site__name"], r["meter__building__number"], str(kinds.get(r["meter__kind"], "")),
                         r["used"], r["common"]] for r in use], kinds=["text", "text", "text", NUMBER, NUMBER])
        return self.block(figures=figures, tables=[zones, energy])

    def dashboard(self, *, site_ids: list[int], now: datetime):
        return self.monthly(site_ids=site_ids, start=now, end=now)
