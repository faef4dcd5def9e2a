"""Key custody in the dashboard, the daily digest and the monthly report (SPEC K-07, D-01..D-03).

Figures come from `keys.selectors.key_monthly_summary` (database aggregates).
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keys.models import KeyDeposit, KeyIncident, KeyUse
from keys.selectors import key_monthly_summary
from reports.registry import NUMBER, Figure, Section, Table, register


def _ledger(status: str = "") -> str:
    url = reverse("keys:ledger")
    return f"{url}?status={status}" if status else url


def _uses(status: str = "") -> str:
    url = reverse("keys:use_list")
    return f"{url}?status={status}" if status else url


@register
class KeySection(Section):
    key = "keys"
    title = _("Key custody")
    order = 60
    requires = ("keys.KeyDeposit", "keys.KeyUse")

    def monthly(self, *, site_ids: list[int], start: datetime, end: datetime):

        s = key_monthly_summary(site_ids=site_ids, start=start, end=end)
        figures = [
            Figure("in_custody", _("Keys in custody"), s["in_custody"], url=_ledger()),
            Figure("registered", _("Keys deposited"), s["registered"], url=_ledger()),
            Figure("returned_to_residents", _("Keys returned to residents"), s["returned_to_residents"],
                   url=_ledger("returned")),
            Figure("uses_taken_out", _("Key uses"), s["uses_taken_out"], url=_uses()),
            Figure("minutes_out", _("Minutes out"), s["minutes_out"], kind=NUMBER),
            Figure("overdue_returns", _("Returned late"), s["overdue_returns"], alert=s["overdue_returns"] > 0,
                   url=_uses()),
            Figure("escalations", _("Escalated to the site director"), s["escalations"], alert=s["escalations"] > 0),
            Figure("reconciliations", _("Weekly reconciliations"), s["reconciliations"],
                   url=reverse("keys:reconciliation_list")),
            Figure("incidents_opened", _("Key incidents"), s["incidents_opened"], alert=s["incidents_opened"] > 0,
                   url=reverse("keys:reconciliation_list")),
        ]
        states = Table("by_state", _("Keys by state"), [str(_("Status")), str(_("Keys"))],
                       [[label, s["by_state"][value]] for value, label in KeyDeposit.Status.choices],
                       urls=[_ledger(value) for value, _label in KeyDeposit.Status.choices])
        return self.block(figures=figures, tables=[states])

    def dashboard(self, *, site_ids: list[int], now: datetime):

        uses = KeyUse.objects.filter(site_id__in=site_ids, status=KeyUse.Status.OUT)
        return self.block(figures=[
            Figure("out_now", _("Keys out now"), uses.count(), url=_uses("out")),
            Figure("overdue_now", _("Keys out past the planned return"), uses.filter(overdue_at__isnull=False).count(),
                   alert=True, url=_uses("out")),
            Figure("waiting_approval", _("Key uses waiting for approval"),
                   KeyUse.objects.filter(site_id__in=site_ids, status=KeyUse.Status.REQUESTED).count(),
                   url=_uses("requested")),
            Figure("incidents_open", _("Open key incidents"),
                   KeyIncident.objects.filter(site_id__in=site_ids, status=KeyIncident.Status.OPEN).count(),
                   alert=True, url=reverse("keys:reconciliation_list")),
        ])


    def digest(self, *, site_ids: list[int], now: datetime):
        return self.dashboard(site_ids=site_ids, now=now)
