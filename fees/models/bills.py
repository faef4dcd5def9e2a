"""Bills and their lines, with the arrears summaries kept by triggers (F-02, F-03; issue 16)."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from fees.models.base import ZERO, money
from fees.models.charges import ChargeItem

# ---- arrears summaries (issue 16 benchmark: the aging page at millions of rows)
# Kept by statement-level PostgreSQL triggers on fees_bill, in the transaction that changes a bill: every
# INSERT or UPDATE adds what became owed on open bills and subtracts what was owed before (deltas, so two
# cashiers never overwrite each other's sums). On other databases the tables stay empty and the arrears
# selector reads the bills directly.
_ARREARS_DELTA_INSERT = ("SELECT unit_id, site_id, period, total - paid AS owed, 1 AS n FROM new_rows "
                         "WHERE status = 'open'")
_ARREARS_DELTA_UPDATE = (_ARREARS_DELTA_INSERT + " UNION ALL SELECT unit_id, site_id, period, paid - total, -1 "
                         "FROM old_rows WHERE status = 'open'")
_ARREARS_APPLY = """
    WITH delta AS ({delta}),
    by_unit AS (
        INSERT INTO fees_arrearsunit (unit_id, site_id, owed, bills)
        SELECT unit_id, min(site_id), sum(owed), sum(n) FROM delta GROUP BY unit_id
        HAVING sum(owed) <> 0 OR sum(n) <> 0 ORDER BY unit_id
        ON CONFLICT (unit_id) DO UPDATE SET owed = fees_arrearsunit.owed + EXCLUDED.owed,
                                            bills = fees_arrearsunit.bills + EXCLUDED.bills
        RETURNING 1)
    INSERT INTO fees_arrearscell (site_id, building_id, period, owed, bills)
    SELECT min(d.site_id), u.building_id, d.period, sum(d.owed), sum(d.n)
    FROM delta d JOIN estates_unit u ON u.id = d.unit_id GROUP BY u.building_id, d.period
    HAVING sum(d.owed) <> 0 OR sum(d.n) <> 0 ORDER BY u.building_id, d.period
    ON CONFLICT (building_id, period) DO UPDATE SET owed = fees_arrearscell.owed + EXCLUDED.owed,
                                                    bills = fees_arrearscell.bills + EXCLUDED.bills;
    RETURN NULL;"""

ARREARS_TRIGGERS = [
    pgtrigger.Trigger(name="fees_bill_arrears_ins", level=pgtrigger.Statement, when=pgtrigger.After,
                      operation=pgtrigger.Insert, referencing=pgtrigger.Referencing(new="new_rows"),
                      func=_ARREARS_APPLY.format(delta=_ARREARS_DELTA_INSERT)),
    pgtrigger.Trigger(name="fees_bill_arrears_upd", level=pgtrigger.Statement, when=pgtrigger.After,
                      operation=pgtrigger.Update, referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
                      func=_ARREARS_APPLY.format(delta=_ARREARS_DELTA_UPDATE)),
]


class Bill(BaseModel):
    # Translators: 账单 / 收费通知单
    """What a unit owes: the month's bill, or a paid-service bill of a work order (F-02, F-06)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly bill")
        SERVICE = "service", _("Paid service")
        OTHER = "other", _("Other charge")

    class Status(models.TextChoices):
        OPEN = "open", _("Unpaid")  # something outstanding
        PAID = "paid", _("Paid")  # fully allocated
        VOID = "void", _("Replaced")  # replaced by a corrected bill (re-run), its charge reversed

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="bills")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="bills")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    period = models.DateField(_("month"))  # first day of the month billed
    work_order_id = models.BigIntegerField(_("work order"), null=True, blank=True)  # F-06 source
    title = models.CharField(_("title"), max_length=100, blank=True)
    total = money(_("amount"))
    paid = money(_("paid"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    issued_at = models.DateTimeField(_("issued"))
    due_date = models.DateField(_("due date"))
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        ordering = ["unit", "period", "id"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            # the bill run twice gives the same bills (F-02): one live monthly bill per unit and month
            models.UniqueConstraint(fields=["unit", "period"], condition=Q(kind="monthly") & ~Q(status="void"),
                                    name="fees_one_monthly_bill"),
            models.UniqueConstraint(fields=["work_order_id"], condition=Q(kind="service") & ~Q(status="void"),
                                    name="fees_one_bill_per_order"),
            models.CheckConstraint(condition=Q(total__gte=0, paid__gte=0) & Q(paid__lte=models.F("total")),
                                   name="fees_bill_paid_within_total"),
        ]
        indexes = [models.Index(fields=["site", "status", "period"], name="fees_bill_site_status"),
                   models.Index(fields=["unit", "status", "period"], name="fees_bill_unit_status")]
        triggers = ARREARS_TRIGGERS

    def __str__(self) -> str:
        return f"{self.unit} {self.period:%Y-%m} {self.total}"

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid if self.status != self.Status.VOID else ZERO


class BillLine(models.Model):
    """One item of a bill; its amount is rounded here and only here (ROUND_HALF_UP, F-01)."""

    bill = models.ForeignKey(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(ChargeItem, verbose_name=_("charge item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=120)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_price = money(_("unit price"))
    amount = money(_("amount"))

    class Meta:
        ordering = ["bill", "id"]
        verbose_name = _("bill line")
        verbose_name_plural = _("bill lines")

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"
