"""The monthly bill run (F-02), charge items and tariffs (F-01), paid-service charges (F-06).

The run is idempotent: a unit that already has its live bill of the month is skipped (and a partial
unique index forbids a second one), so running twice, or a worker dying halfway and the task being
retried, gives the same bills. A re-run for one unit after a correction (a meter reading fixed)
replaces the bill only if its lines changed: the old bill is voided by a counter-entry in the ledger
and what was paid on it moves to the new bill.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import policy_for
from core.errors import DomainError
from estates.models import Site, Unit
from fees import permissions
from fees.models import (
    ZERO,
    Allocation,
    Bill,
    BillLine,
    BillRun,
    ChargeItem,
    LedgerEntry,
    Meter,
    MeterReading,
    Tariff,
    UnitCharge,
)
from fees.money import line_amount, parse_amount
from fees.services.billing_pg import issue_pg
from fees.services.common import fen, lock_unit, month_start
from fees.services.payments import credit_apply
from fees.tasks import bill_run_task
from tickets.selectors import orders_with_approved_charges

CHUNK = 2000


# ---- F-01 charge items and tariffs
@transaction.atomic
def charge_item_create(*, site: Site, code: str, name: str, kind: str, price, actor: User, effective_from: date,
                       meter_kind: str = "", unit_label: str = "", applies_to_all: bool = False,
                       tiers: list | None = None, sort: int = 0) -> ChargeItem:
    permissions.check_finance(actor, site.pk)
    if kind == ChargeItem.Kind.METERED and not meter_kind:
        raise DomainError(_("A metered item needs its meter (water, electricity or gas)."), code="meter_kind")
    item = ChargeItem.objects.create(site=site, code=code, name=name, kind=kind, meter_kind=meter_kind,
                                     unit_label=unit_label, applies_to_all=applies_to_all, sort=sort)
    tariff_set(item=item, price=price, effective_from=effective_from, tiers=tiers, actor=actor)
    return item


@transaction.atomic
def tariff_set(*, item: ChargeItem, price, effective_from: date, actor: User, tiers: list | None = None) -> Tariff:
    """A new price from a date on (F-01): a new row, so bills already issued keep their prices."""
    permissions.check_finance(actor, item.site_id)
    price = parse_amount(price, allow_zero=True)
    clean_tiers = []
    for up_to, tier_price in tiers or []:
        clean_tiers.append([None if up_to in (None, "") else str(parse_amount(up_to)),
                            str(parse_amount(tier_price, allow_zero=True))])
    tariff, _created = Tariff.objects.update_or_create(item=item, effective_from=effective_from,
                                                       defaults={"price": price, "tiers": clean_tiers})
    return tariff


def _tariffs_for(site_id: int, period: date) -> dict[int, Tariff]:
    """The price of each item in force on the first day of the month (a change takes effect the next month)."""
    out: dict[int, Tariff] = {}
    for t in (Tariff.objects.filter(item__site_id=site_id, effective_from__lte=period)
              .order_by("item_id", "-effective_from")):
        out.setdefault(t.item_id, t)
    return out


def _due_date(site_id: int, now: datetime) -> date:
    """SPEC §15 fees.bill.due ✎: the bill is due N days after issue (site setting)."""
    policy = policy_for("fees.bill.due", site_id)
    return timezone.localdate(now) + timedelta(days=policy.amount or 30)


def _consumption(site_id: int, period: date, unit_ids: list[int],
                 id_range: tuple[int, int] | None = None) -> dict[tuple[int, str], Decimal]:
    """The month's consumption per (unit, meter kind). Driven from the chunk's meters, each reading found by
    its (meter, period) index: a join from the readings side scanned every reading of the site for every
    chunk (quadratic in the run; 1.7 s of a 100,000-unit run)."""
    out: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_unit = ({"unit_id__gte": id_range[0], "unit_id__lte": id_range[1]} if id_range
               else {"unit_id__in": unit_ids})
    used = MeterReading.objects.filter(meter_id=OuterRef("pk"), period=period).order_by().values("consumption")[:1]
    rows = (Meter.objects.filter(site_id=site_id, unit_id__isnull=False, **by_unit)
            .annotate(used=Subquery(used)).order_by().values_list("unit_id", "kind", "used"))
    for unit_id, kind, consumption in rows:
        if consumption is not None:
            out[(unit_id, kind)] += consumption
    return out


class Line(NamedTuple):
    """A computed bill line (a plain tuple: the run makes 500,000 of them for 100,000 units)."""

    item_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


class UnitRow(NamedTuple):
    """What the run needs of a unit (no model instance per unit: 100,000 of them cost seconds)."""

    pk: int
    area: Decimal


def compute_lines(units: Sequence[Unit | UnitRow], *, site_id: int, period: date, items: list[ChargeItem],
                  tariffs: dict[int, Tariff], id_range: tuple[int, int] | None = None) -> dict[int, list[Line]]:
    """Bill lines per unit for the month: each line rounded once (F-01)."""
    unit_ids = [u.pk for u in units]
    by_unit = ({"unit_id__gte": id_range[0], "unit_id__lte": id_range[1]} if id_range
               else {"unit_id__in": unit_ids})
    subs: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for unit_id, item_id, qty in UnitCharge.objects.filter(site_id=site_id, active=True, item__is_active=True,
                                                           **by_unit).values_list("unit_id", "item_id", "quantity"):
        subs[unit_id].append((item_id, qty))
    metered = any(i.kind == ChargeItem.Kind.METERED for i in items)
    used = _consumption(site_id, period, unit_ids, id_range) if metered else {}
    # per item, once: (id, kind, meter kind, name, price, tiers) — the loop below runs 500,000 times at 100,000
    # units, so it reads tuples, not model attributes
    priced = {i.pk: (i.pk, i.kind, i.meter_kind, i.name, tariffs[i.pk].price, tariffs[i.pk].tiers, i.applies_to_all)
              for i in items if i.pk in tariffs}
    everyone = [(spec, Decimal(1)) for spec in priced.values() if spec[6]]
    per_area, metered_kind = ChargeItem.Kind.PER_AREA, ChargeItem.Kind.METERED
    cache: dict[tuple[int, Decimal], Decimal] = {}  # (item, quantity) → amount: most units share them
    out: dict[int, list[Line]] = {}
    for unit in units:
        unit_id = unit.pk
        lines = []
        chosen = everyone + [(priced[item_id], qty) for item_id, qty in subs.get(unit_id, ())
                             if item_id in priced and not priced[item_id][6]]
        for (item_id, kind, meter_kind, name, price, tiers, _all), qty in chosen:
            if kind == per_area:
                qty = unit.area
            elif kind == metered_kind:
                qty = used.get((unit_id, meter_kind), ZERO)
            if not qty:
                continue
            key = (item_id, qty)
            amount = cache.get(key)
            if amount is None:
                amount = cache[key] = line_amount(qty, price, tiers)
            lines.append(Line(item_id, name, qty, price, amount))
        out[unit_id] = lines
    return out


def _monthly_items(site_id: int) -> list[ChargeItem]:
    return list(ChargeItem.objects.filter(site_id=site_id, is_active=True, kind__in=ChargeItem.MONTHLY_KINDS))


def _billable_units(site_id: int):
    return (Unit.objects.filter(site_id=site_id, archived=False, occupancy=Unit.Occupancy.OCCUPIED)
            .only("pk", "site_id", "area", "code").order_by("pk"))


def _issue(*, site_id: int, period: date, lines_by_unit: dict[int, list[Line]], now: datetime,
           due: date, actor: User) -> list[int]:
    """Create bills, their lines and the ledger charges: three INSERTs per chunk. Returns the bill ids."""
    title = _("Charges for %(month)s") % {"month": f"{period:%Y-%m}"}
    todo = [(unit_id, lines) for unit_id, lines in lines_by_unit.items() if lines]
    if not todo:
        return []
    if connection.vendor == "postgresql":
        return issue_pg(site_id=site_id, period=period, todo=todo, now=now, due=due, actor=actor, title=title)
    bills = [Bill(site_id=site_id, unit_id=unit_id, kind=Bill.Kind.MONTHLY, period=period, title=title,
                  total=sum((ln.amount for ln in lines), ZERO), issued_at=now, due_date=due) for unit_id, lines in todo]
    Bill.objects.bulk_create(bills)
    BillLine.objects.bulk_create([BillLine(bill=bill, item_id=ln.item_id, description=ln.description,
                                           quantity=ln.quantity, unit_price=ln.unit_price, amount=ln.amount)
                                  for bill, (_u, lines) in zip(bills, todo, strict=True) for ln in lines],
                                 batch_size=5000)
    LedgerEntry.objects.bulk_create([LedgerEntry(site_id=site_id, unit_id=b.unit_id, kind=LedgerEntry.Kind.CHARGE,
                                                 amount=b.total, at=now, bill=b, note=b.title, actor=actor)
                                     for b in bills], batch_size=5000)
    return [b.pk for b in bills]


def bill_run_chunk(*, site_id: int, period: date, unit_ids: list[int], now: datetime, actor: User) -> int:
    """Bills for the units of one chunk that have none yet for the month; returns how many were issued.
    `unit_ids` is sorted: the queries filter by the id range (an IN list of thousands costs more)."""
    lo, hi = unit_ids[0], unit_ids[-1]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # the run is idempotent: a chunk lost in a crash is issued again by the next run, so it need
            # not wait for the WAL flush (measured: a third of the run's time on this machine)
            with connection.cursor() as cur:
                cur.execute("SET LOCAL synchronous_commit = off")
        have = set(Bill.objects.filter(unit_id__gte=lo, unit_id__lte=hi, site_id=site_id, period=period,
                                       kind=Bill.Kind.MONTHLY)
                   .exclude(status=Bill.Status.VOID).values_list("unit_id", flat=True))
        wanted = set(unit_ids)
        units = [UnitRow(pk, area) for pk, area in _billable_units(site_id).filter(pk__range=(lo, hi))
                 .values_list("pk", "area") if pk in wanted and pk not in have]
        if not units:
            return 0
        items = _monthly_items(site_id)
        lines = compute_lines(units, site_id=site_id, period=period, items=items,
                              tariffs=_tariffs_for(site_id, period), id_range=(lo, hi))
        # a unit with a negative balance has credit (prepayment): it settles the new bill at once
        in_credit = list(LedgerEntry.objects.filter(unit_id__gte=lo, unit_id__lte=hi, site_id=site_id,
                                                    account=LedgerEntry.Account.RECEIVABLE)
                         .values("unit_id").annotate(s=Sum("amount")).filter(s__lt=0).values_list("unit_id", flat=True))
        bill_ids = _issue(site_id=site_id, period=period, lines_by_unit=lines, now=now,
                          due=_due_date(site_id, now), actor=actor)
        for unit_id in in_credit:
            if unit_id in wanted:
                credit_apply(unit=Unit.objects.get(pk=unit_id), now=now)
        return len(bill_ids)


def bill_run_start(*, site: Site, period: date, actor: User, unit: Unit | None = None,
                   now: datetime | None = None, enqueue: bool = True) -> BillRun:
    """Queue a bill run (whole site, or one unit after a correction); the worker does it with progress."""
    permissions.check_finance(actor, site.pk)
    now = now or timezone.now()
    period = month_start(period)
    if unit is not None and unit.site_id != site.pk:
        raise DomainError(_("This unit belongs to another site."), code="other_site")
    run = BillRun.objects.create(site=site, period=period, unit=unit, requested_by=actor,
                                 total_units=1 if unit else _billable_units(site.pk).count())
    if enqueue:

        transaction.on_commit(lambda: bill_run_task.delay(run.pk))
    return run


def bill_run_execute(*, run_id: int, now: datetime | None = None) -> BillRun:
    """The worker's side: chunks of units, progress committed after each chunk; safe to run twice."""
    now = now or timezone.now()
    run = BillRun.objects.select_related("site", "requested_by").get(pk=run_id)
    if run.status == BillRun.Status.DONE:
        return run
    BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.RUNNING, done_units=0)
    try:
        if run.unit is not None:
            created = int(bill_rerun_unit(unit=run.unit, period=run.period, actor=run.requested_by, now=now,
                                          _checked=True) is not None)
            BillRun.objects.filter(pk=run.pk).update(done_units=1, bills_created=created)
        else:
            ids = list(_billable_units(run.site_id).values_list("pk", flat=True))
            BillRun.objects.filter(pk=run.pk).update(total_units=len(ids))
            created = 0
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i:i + CHUNK]
                created += bill_run_chunk(site_id=run.site_id, period=run.period, unit_ids=chunk, now=now,
                                          actor=run.requested_by)
                BillRun.objects.filter(pk=run.pk).update(done_units=i + len(chunk), bills_created=created)
    except Exception as exc:
        BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.FAILED, error=str(exc)[:2000],
                                                 finished_at=timezone.now())
        raise
    BillRun.objects.filter(pk=run.pk).update(status=BillRun.Status.DONE, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def bill_run_now(*, site: Site, period: date, actor: User, now: datetime | None = None) -> BillRun:
    """Start and execute in this process (shell, demo, tests, bench)."""
    run = bill_run_start(site=site, period=period, actor=actor, now=now, enqueue=False)
    return bill_run_execute(run_id=run.pk, now=now)


@transaction.atomic
def bill_rerun_unit(*, unit: Unit, period: date, actor: User, now: datetime | None = None,
                    _checked: bool = False) -> Bill | None:
    """Re-run one unit's month after a correction (F-02): unchanged lines → the same bill; changed →
    the old bill is replaced (counter-entry) and what was paid on it moves to the new one."""

    if not _checked:
        permissions.check_finance(actor, unit.site_id)
    now = now or timezone.now()
    period = month_start(period)
    unit = lock_unit(unit)
    old = (Bill.objects.select_for_update().filter(unit=unit, period=period, kind=Bill.Kind.MONTHLY)
           .exclude(status=Bill.Status.VOID).first())
    lines = compute_lines([unit], site_id=unit.site_id, period=period, items=_monthly_items(unit.site_id),
                          tariffs=_tariffs_for(unit.site_id, period))[unit.pk]
    if old is not None:
        same = sorted((ln.item_id, ln.quantity, ln.unit_price, ln.amount) for ln in old.lines.all()) == sorted(
            (ln.item_id, Decimal(ln.quantity).quantize(Decimal("0.01")), ln.unit_price, ln.amount) for ln in lines)
        if same:
            return old
        _void(old, actor=actor, now=now)
    if not lines:
        return None
    bill_ids = _issue(site_id=unit.site_id, period=period, lines_by_unit={unit.pk: lines}, now=now,
                      due=_due_date(unit.site_id, now), actor=actor)
    if old is not None:
        Bill.objects.filter(pk=bill_ids[0]).update(replaces=old)
    credit_apply(unit=unit, now=now)
    return Bill.objects.get(pk=bill_ids[0])


def _void(bill: Bill, *, actor: User, now: datetime) -> None:
    """Replace a bill: its charge is reversed in the ledger; its allocations are taken back (credit)."""
    for payment_id, amount in (bill.allocations.values("payment_id").annotate(s=Sum("amount"))
                               .filter(s__gt=0).values_list("payment_id", "s")):
        Allocation.objects.create(payment_id=payment_id, bill=bill, amount=-fen(amount), at=now)
    bill.status, bill.paid = Bill.Status.VOID, ZERO
    bill.save(update_fields=["status", "paid", "updated_at"])
    LedgerEntry.objects.create(site_id=bill.site_id, unit_id=bill.unit_id, kind=LedgerEntry.Kind.CHARGE_VOID,
                               amount=-bill.total, at=now, bill=bill, actor=actor,
                               note=_("Replaced by a corrected bill"))


# ---- F-06 paid services from work orders
@transaction.atomic
def work_order_charge_post(*, order, actor: User, now: datetime | None = None) -> Bill:
    """Post a work order's approved paid-service charges to the unit's account (F-06, T-07). Once only."""
    now = now or timezone.now()
    permissions.check_take_payment(actor, order.site_id)
    if order.charges_approved_by_id is None:
        raise DomainError(_("The charges of this order are not approved by the CS supervisor yet."),
                          code="not_approved")
    if order.unit_id is None:
        raise DomainError(_("This order has no unit to charge."), code="no_unit")
    existing = Bill.objects.filter(work_order_id=order.pk, kind=Bill.Kind.SERVICE).exclude(
        status=Bill.Status.VOID).first()
    if existing:
        return existing
    lock_unit(order.unit)
    charges = list(order.charges.all())
    if not charges:
        raise DomainError(_("This order has no charges."), code="no_charges")
    total = sum((c.amount for c in charges), ZERO)
    bill = Bill.objects.create(site_id=order.site_id, unit_id=order.unit_id, kind=Bill.Kind.SERVICE,
                               period=month_start(now), work_order_id=order.pk, total=total, issued_at=now,
                               due_date=_due_date(order.site_id, now),
                               title=_("Paid service, work order %(no)s") % {"no": order.number})
    BillLine.objects.bulk_create([BillLine(bill=bill, description=c.description[:120], quantity=c.quantity,
                                           unit_price=c.unit_price, amount=c.amount) for c in charges])
    LedgerEntry.objects.create(site_id=bill.site_id, unit_id=bill.unit_id, kind=LedgerEntry.Kind.CHARGE,
                               amount=total, at=now, bill=bill, actor=actor, note=bill.title)
    return bill


def work_order_charges_post_pending(*, site: Site, actor: User, now: datetime | None = None) -> int:
    """Every approved, not yet posted paid-service order of the site (e.g. before the month's run)."""

    posted = {pk for pk in Bill.objects.filter(site=site, kind=Bill.Kind.SERVICE).exclude(status=Bill.Status.VOID)
              .values_list("work_order_id", flat=True) if pk is not None}
    n = 0
    for order in orders_with_approved_charges([site.pk]).exclude(pk__in=posted):
        work_order_charge_post(order=order, actor=actor, now=now)
        n += 1
    return n


@transaction.atomic
def one_off_bill_issue(*, unit: Unit, title: str, lines: list[tuple[str, object]], actor: User,
                       now: datetime | None = None) -> Bill:
    """A one-off charge outside the monthly run (e.g. the move-in fees, SPEC H-02): one bill, its lines,
    one ledger charge. Taken by the front desk or finance of the unit's site."""
    now = now or timezone.now()
    permissions.check_take_payment(actor, unit.site_id)
    parsed = [(str(desc).strip()[:120], parse_amount(amount)) for desc, amount in lines]
    if not parsed or any(not desc for desc, _a in parsed):
        raise DomainError(_("Name each charge and give its amount."), code="lines")
    lock_unit(unit)
    total = fen(sum((a for _d, a in parsed), Decimal("0")))
    bill = Bill.objects.create(site_id=unit.site_id, unit=unit, kind=Bill.Kind.OTHER, period=month_start(now),
                               total=total, issued_at=now, due_date=timezone.localdate(now), title=title[:100])
    BillLine.objects.bulk_create([BillLine(bill=bill, description=desc, quantity=Decimal("1"), unit_price=a,
                                           amount=a) for desc, a in parsed])
    LedgerEntry.objects.create(site_id=unit.site_id, unit=unit, kind=LedgerEntry.Kind.CHARGE, amount=total, at=now,
                               bill=bill, actor=actor, note=bill.title)
    return bill


def open_bills(unit_id: int):
    return Bill.objects.filter(unit_id=unit_id, status=Bill.Status.OPEN).filter(~Q(total=0)).order_by("period", "id")
