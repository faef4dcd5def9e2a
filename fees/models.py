"""Fees (SPEC §8, F-01..F-06; issue 16): charge items, tariffs, meters, bills, payments, receipts,
an append-only ledger, reversals, deposits, reminders and bank collection.

Money is `DecimalField(max_digits=12, decimal_places=2)` everywhere (MONEY below); the one rounding
point is the bill line (`fees.money.line_amount`, ROUND_HALF_UP to the fen). Payments, receipts,
ledger rows, reversals and deposit movements are never updated or deleted: a PostgreSQL trigger
(django-pgtrigger) refuses it, so a shell or a raw UPDATE cannot rewrite history either (F-02).
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs) -> models.DecimalField:
    """Every amount of money: yuan with fen, never a float (F-01)."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def _append_only(name: str) -> list:
    """Posted rows are never changed: UPDATE and DELETE raise in the database (F-02)."""
    return [pgtrigger.Protect(name=f"{name}_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name=f"{name}_no_delete", operation=pgtrigger.Delete)]


class ChargeItem(BaseModel):
    # Translators: 收费项目
    """What a unit is charged for (F-01), per site."""

    class Kind(models.TextChoices):
        PER_AREA = "per_area", _("Per m² per month")  # 物业管理费: unit area × price
        PER_SPACE = "per_space", _("Per space per month")  # 车位费: number of spaces × price
        METERED = "metered", _("Metered")  # 水电燃气: consumption × (tiered) price
        FIXED = "fixed", _("Fixed per month")  # e.g. 垃圾清运费
        SERVICE = "service", _("Paid service")  # 有偿服务 (T-07, F-06)
        DEPOSIT = "deposit", _("Deposit")  # 装修押金
        OTHER = "other", _("Other")

    class Meter(models.TextChoices):
        WATER = "water", _("Water")
        ELECTRICITY = "electricity", _("Electricity")
        GAS = "gas", _("Gas")

    MONTHLY_KINDS = (Kind.PER_AREA, Kind.PER_SPACE, Kind.METERED, Kind.FIXED)

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="charge_items")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    meter_kind = models.CharField(_("meter"), max_length=12, choices=Meter.choices, blank=True)
    unit_label = models.CharField(_("unit of charge"), max_length=10, blank=True)  # m², 个, 吨, 度, m³
    applies_to_all = models.BooleanField(_("charged to every occupied unit"), default=False)
    bank_collectable = models.BooleanField(_("collected by bank"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["site", "sort", "code"]
        verbose_name = _("charge item")
        verbose_name_plural = _("charge items")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="fees_item_code_per_site")]

    def __str__(self) -> str:
        return self.name


class Tariff(BaseModel):
    """The price of an item from a date on; a new price is a new row, so old bills never change (F-01)."""

    item = models.ForeignKey(ChargeItem, verbose_name=_("charge item"), on_delete=models.PROTECT,
                             related_name="tariffs")
    effective_from = models.DateField(_("effective from"))
    price = money(_("unit price"))
    # tiered metered prices: [[up_to_quantity or null, price], ...] in increasing order (阶梯价)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)

    class Meta:
        ordering = ["item", "-effective_from"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [models.UniqueConstraint(fields=["item", "effective_from"], name="fees_tariff_once_per_day"),
                       models.CheckConstraint(condition=Q(price__gte=0), name="fees_tariff_price_positive")]

    def __str__(self) -> str:
        return f"{self.item} {self.price} ({self.effective_from})"


class UnitCharge(BaseModel):
    """An item a unit is subscribed to (parking spaces, meters…), with its quantity (F-01)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="fee_items")
    item = models.ForeignKey(ChargeItem, verbose_name=_("charge item"), on_delete=models.PROTECT,
                             related_name="subscriptions")
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2, default=Decimal("1"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit charge item")
        verbose_name_plural = _("unit charge items")
        constraints = [models.UniqueConstraint(fields=["unit", "item"], name="fees_unit_item_once"),
                       models.CheckConstraint(condition=Q(quantity__gte=0), name="fees_unit_item_qty_positive")]


class Meter(BaseModel):
    """A water, electricity or gas meter of a unit, or a common-area meter of a building (F-04)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="meters")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="meters")
    building = models.ForeignKey("estates.Building", verbose_name=_("building"), on_delete=models.PROTECT,
                                 related_name="meters")
    kind = models.CharField(_("meter"), max_length=12, choices=ChargeItem.Meter.choices)
    number = models.CharField(_("meter number"), max_length=30)
    label = models.CharField(_("common area"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["site", "building", "number"]
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="fees_meter_number_per_site")]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()})"


class MeterReading(models.Model):
    """The month's reading of a meter (F-04). A lower reading is refused; an unusual jump is flagged."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    meter = models.ForeignKey(Meter, verbose_name=_("meter"), on_delete=models.PROTECT, related_name="readings")
    period = models.DateField(_("month"))  # first day of the month
    reading = models.DecimalField(_("reading"), max_digits=12, decimal_places=2)
    consumption = models.DecimalField(_("consumption"), max_digits=12, decimal_places=2, default=ZERO)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reason = models.CharField(_("reason flagged"), max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        ordering = ["meter", "-period"]
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        constraints = [models.UniqueConstraint(fields=["meter", "period"], name="fees_reading_once_per_month"),
                       models.CheckConstraint(condition=Q(reading__gte=0, consumption__gte=0),
                                              name="fees_reading_positive")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.period:%Y-%m} {self.reading}"


class BillRun(BaseModel):
    """A monthly bill run of a site, done by the worker with progress (F-02)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")  # a re-run for one unit
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_units = models.PositiveIntegerField(_("units"), default=0)
    done_units = models.PositiveIntegerField(_("units done"), default=0)
    bills_created = models.PositiveIntegerField(_("bills issued"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")

    @property
    def percent(self) -> int:
        return 100 if not self.total_units else int(100 * self.done_units / self.total_units)


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


class Payment(models.Model):
    # Translators: 收款
    """Money received (F-02). Never changed: a mistake is a Reversal (trigger-enforced)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        TRANSFER = "transfer", _("Bank transfer")
        BANK_COLLECTION = "bank", _("Bank collection")  # 银行托收 (F-05)
        MOBILE = "mobile", _("Mobile payment")  # 微信 / 支付宝

    class Purpose(models.TextChoices):
        CHARGES = "charges", _("Charges")
        DEPOSIT = "deposit", _("Deposit")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="payments")
    amount = money(_("amount"))
    method = models.CharField(_("payment method"), max_length=10, choices=Method.choices)
    purpose = models.CharField(_("for"), max_length=10, choices=Purpose.choices, default=Purpose.CHARGES)
    payer = models.CharField(_("paid by"), max_length=60, blank=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    on_delete=models.PROTECT, related_name="+")
    bank_line = models.OneToOneField("BankLine", verbose_name=_("bank collection line"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="payment")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_payment_positive")]
        indexes = [models.Index(fields=["unit", "-received_at"], name="fees_payment_unit")]
        triggers = _append_only("fees_payment")

    def __str__(self) -> str:
        return f"{self.unit} {self.amount}"


class Allocation(models.Model):
    """How much of a payment settles which bill; negative when a reversal or a re-run takes it back."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = money(_("amount"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["id"]
        triggers = _append_only("fees_allocation")

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.bill_id}: {self.amount}"


class Receipt(models.Model):
    # Translators: 收据
    """The receipt of a payment, numbered without gaps per site and year (F-02)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    payment = models.OneToOneField(Payment, verbose_name=_("payment"), on_delete=models.PROTECT,
                                   related_name="receipt")
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number"))
    number = models.CharField(_("receipt number"), max_length=24)
    amount = money(_("amount"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.UniqueConstraint(fields=["site", "year", "seq"], name="fees_receipt_number_once")]
        triggers = _append_only("fees_receipt")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("fees:receipt_pdf", args=[self.pk])


class LedgerEntry(models.Model):
    """One posted movement of a unit's account. Receivable: + the unit owes more, − it paid (balance =
    sum). Deposit: + held, − deducted or refunded. Never changed (trigger)."""

    class Account(models.TextChoices):
        RECEIVABLE = "receivable", _("Charges")
        DEPOSIT = "deposit", _("Deposit")

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        CHARGE_VOID = "charge_void", _("Bill replaced")
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Reversal")
        DEPOSIT_TAKEN = "deposit_taken", _("Deposit taken")
        DEPOSIT_DEDUCTED = "deposit_deducted", _("Deposit deducted")
        DEPOSIT_REFUNDED = "deposit_refunded", _("Deposit refunded")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="ledger")
    account = models.CharField(_("account"), max_length=10, choices=Account.choices, default=Account.RECEIVABLE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money(_("amount"))
    at = models.DateTimeField(_("at"))
    bill = models.ForeignKey(Bill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reverses = models.ForeignKey("self", verbose_name=_("reverses"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reversed_by")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["unit", "account", "at"], name="fees_ledger_unit_at")]
        triggers = _append_only("fees_ledger")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.amount}"


class Reversal(models.Model):
    """A correction of a posted payment by a counter-entry, with reason and approver (F-02, T-18)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT,
                                related_name="reversals")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="reversal")
    amount = money(_("amount"))
    reason = models.CharField(_("reason"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_reversal_positive")]
        triggers = _append_only("fees_reversal")

    def __str__(self) -> str:
        return f"{self.payment_id} −{self.amount}"


class DepositMovement(models.Model):
    """A deposit taken, deducted (with reason) or refunded; a refund never exceeds what is held (R-07)."""

    class Kind(models.TextChoices):
        TAKEN = "taken", _("Taken")
        DEDUCTED = "deducted", _("Deducted")
        REFUNDED = "refunded", _("Refunded")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="deposit_movements")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = money(_("amount"))
    purpose = models.CharField(_("deposit for"), max_length=60, default="renovation")  # e.g. renovation
    reference = models.CharField(_("reference"), max_length=60, blank=True)  # e.g. the renovation permit
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="deposit")
    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="deposit_movement")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("deposit movement")
        verbose_name_plural = _("deposit movements")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fees_deposit_positive")]
        triggers = _append_only("fees_deposit")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.kind} {self.amount}"


class Reminder(BaseModel):
    # Translators: 催缴
    """A reminder task for the zone staff about a unit in arrears, with a deadline (F-03)."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Open")
        PROMISED = "promised", _("Promised to pay")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")
        UNREACHABLE = "unreachable", _("Not reached")

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                             related_name="fee_reminders")
    assigned_to = models.ForeignKey("estates.Staff", verbose_name=_("assigned to"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="fee_reminders")
    amount = money(_("amount owed"))
    oldest_period = models.DateField(_("owed since"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("note"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")
        constraints = [models.UniqueConstraint(fields=["unit"], condition=Q(outcome=""),
                                               name="fees_one_open_reminder")]

    def get_absolute_url(self) -> str:
        return reverse("fees:reminder_detail", args=[self.pk])


class BankAccount(BaseModel):
    """The bank account a unit's charges are collected from (托收协议, F-05)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    unit = models.OneToOneField("estates.Unit", verbose_name=pgettext_lazy("flat", "unit"), on_delete=models.PROTECT,
                                related_name="bank_account")
    bank = models.CharField(_("bank"), max_length=30)
    account_no = models.CharField(_("account number"), max_length=40)
    holder = models.CharField(_("account holder"), max_length=60)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("collection account")
        verbose_name_plural = _("collection accounts")


class BankBatch(BaseModel):
    """One month's collection file for one bank (F-05)."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    bank = models.CharField(_("bank"), max_length=30)
    period = models.DateField(_("month"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bank collection batch")
        verbose_name_plural = _("bank collection batches")


class BankLine(models.Model):
    """One bill line of a collection file; the bank's result is recorded once (idempotent import)."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the bank")
        COLLECTED = "collected", _("Collected")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(BankBatch, on_delete=models.PROTECT, related_name="lines")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="bank_lines")
    account_no = models.CharField(_("account number"), max_length=40)
    holder = models.CharField(_("account holder"), max_length=60)
    amount = money(_("amount"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    reason = models.CharField(_("bank's reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.account_no} {self.amount}"


class ArrearsUnit(models.Model):
    """What a unit owes on its open bills and how many there are (kept by the triggers on bills)."""

    unit = models.OneToOneField("estates.Unit", primary_key=True, on_delete=models.DO_NOTHING, related_name="+")
    site = models.ForeignKey("estates.Site", on_delete=models.DO_NOTHING, related_name="+")
    owed = money(_("owed"))
    bills = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["site", "-owed", "unit"], name="fees_arrears_unit_owed")]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.owed}"


class ArrearsCell(models.Model):
    """What is owed on open bills of one building for one month (kept by the triggers on bills): the
    aging per building, zone and site sums a few thousand of these instead of every open bill."""

    site = models.ForeignKey("estates.Site", on_delete=models.DO_NOTHING, related_name="+")
    building = models.ForeignKey("estates.Building", on_delete=models.DO_NOTHING, related_name="+")
    period = models.DateField()
    owed = money(_("owed"))
    bills = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["building", "period"], name="fees_arrears_cell_once")]
        indexes = [models.Index(fields=["site", "period"], name="fees_arrears_cell_site")]

    def __str__(self) -> str:
        return f"{self.building_id} {self.period:%Y-%m}: {self.owed}"


class NoticeEmail(models.Model):
    """A payment notice (收费通知单) of one bill sent by email to the household, as an outbox row (F-02):
    sent by core/mail.py's claim-send-mark with a Message-ID from its id, the PDF attached, retried on the
    notification backoff through an SMTP outage; one row per bill."""

    site = models.ForeignKey("estates.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    bill = models.OneToOneField(Bill, verbose_name=_("bill"), on_delete=models.PROTECT, related_name="notice_email")
    to = models.JSONField(_("recipients"), default=list)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                   related_name="+")
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    email_error = models.CharField(_("error"), max_length=300, blank=True)
    email_next_at = models.DateTimeField(null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("email claimed"), null=True, blank=True)
    email_failed_at = models.DateTimeField(_("email failed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payment notice email")
        verbose_name_plural = _("payment notice emails")
        indexes = [models.Index(fields=["created_at"], name="fees_notice_email_pending",
                                condition=Q(email_sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.bill_id} → {', '.join(self.to)}"
