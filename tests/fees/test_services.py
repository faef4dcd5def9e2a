"""Fees services rule by rule (SPEC F-01..F-06, issue 16)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.models import Deadline
from fees import services as svc
from fees.models import (
    Allocation,
    Bill,
    BillLine,
    DepositMovement,
    LedgerEntry,
    Payment,
    Receipt,
    Reminder,
)
from fees.money import line_amount
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


def _nov_run(site_a, fees_a):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    return svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)


def test_f01_bill_lines_per_area_space_tiered_fixed_rounded_once(site_a, fees_a):
    # SPEC F-01: management fee per m² (89.50 × 2.35 = 210.325 → 210.33, ROUND_HALF_UP at the line),
    # parking per space, tiered water (10 × 3.50 + 5 × 5.00), a fixed fee
    _nov_run(site_a, fees_a)
    bill = Bill.objects.get(unit=site_a.units[0], period=NOV)
    lines = {ln.item.code: ln.amount for ln in bill.lines.all()}
    assert lines == {"WY": Decimal("210.33"), "CW": Decimal("150.00"), "SF": Decimal("60.00"), "LJ": Decimal("10.00")}
    assert bill.total == Decimal("430.33")
    # a unit without parking and without water use: management + garbage only
    third = Bill.objects.get(unit=site_a.units[2], period=NOV)
    assert {ln.item.code for ln in third.lines.all()} == {"WY", "LJ"}
    assert line_amount(Decimal("0.5"), Decimal("0.01")) == Decimal("0.01")  # half a fen rounds up


def test_f01_price_change_never_rewrites_an_old_bill(site_a, fees_a):
    # SPEC F-01: effective-from dates
    _nov_run(site_a, fees_a)
    svc.tariff_set(item=fees_a.mgmt, price="3.00", effective_from=date(2026, 12, 1), actor=site_a.users["finance"])
    old = Bill.objects.get(unit=site_a.units[0], period=NOV)
    assert svc.bill_rerun_unit(unit=site_a.units[0], period=NOV, actor=site_a.users["finance"], now=T0).pk == old.pk
    svc.bill_run_now(site=site_a.site, period=date(2026, 12, 1), actor=site_a.users["finance"],
                     now=T0 + timedelta(days=10))
    dec = Bill.objects.get(unit=site_a.units[0], period=date(2026, 12, 1))
    assert dec.lines.get(item=fees_a.mgmt).amount == Decimal("268.50")
    assert BillLine.objects.get(bill=old, item=fees_a.mgmt).amount == Decimal("210.33")


def test_f02_bill_run_twice_no_duplicates(site_a, fees_a):
    # SPEC F-02: the run is idempotent
    first = _nov_run(site_a, fees_a)
    assert first.bills_created == 3
    again = svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    assert again.bills_created == 0 and again.status == "done" and again.done_units == 3
    assert Bill.objects.filter(period=NOV).count() == 3
    assert LedgerEntry.objects.filter(kind="charge").count() == 3


def test_f02_rerun_one_unit_after_a_corrected_reading_replaces_the_bill(site_a, fees_a):
    # SPEC F-02/F-04: a corrected reading, the unit re-run: old bill voided by a counter-entry, paid amount moves
    _nov_run(site_a, fees_a)
    unit = site_a.units[0]
    svc.payment_post(unit=unit, amount="100", method="cash", actor=site_a.users["front_desk"], now=T0)
    svc.meter_reading_record(meter=fees_a.meters[0], period=NOV, reading="110", actor=site_a.users["zone_staff"],
                             now=T0)
    new = svc.bill_rerun_unit(unit=unit, period=NOV, actor=site_a.users["finance"], now=T0)
    assert new.total == Decimal("405.33")  # 10 m³ at 3.50
    old = Bill.objects.get(replaced_by=new)
    assert old.status == Bill.Status.VOID
    assert new.paid == Decimal("100.00")
    assert svc.balance(unit.pk) == Decimal("305.33")


def test_f02_payment_oldest_first_partial_and_prepayment(site_a, fees_a):
    # SPEC F-02: partial payments, oldest bill first, the rest as credit for the next bill
    read_meters(site_a, fees_a, date(2026, 9, 1), ["100", "200", "300"])
    svc.bill_run_now(site=site_a.site, period=OCT, actor=site_a.users["finance"], now=T0 - timedelta(days=30))
    _nov_run(site_a, fees_a)
    unit = site_a.units[0]
    octb, novb = Bill.objects.get(unit=unit, period=OCT), Bill.objects.get(unit=unit, period=NOV)
    pay = svc.payment_post(unit=unit, amount="400", method="cash", actor=site_a.users["front_desk"], now=T0)
    octb.refresh_from_db()
    novb.refresh_from_db()
    assert octb.status == Bill.Status.PAID and novb.paid == Decimal("400") - octb.total
    big = svc.payment_post(unit=unit, amount="1000", method="mobile", actor=site_a.users["front_desk"], now=T0)
    novb.refresh_from_db()
    assert novb.status == Bill.Status.PAID
    expected = octb.total + novb.total - Decimal("1400")
    assert svc.balance(unit.pk) == expected < 0  # credit (prepayment)
    # the next month's bill is settled from the credit
    svc.bill_run_now(site=site_a.site, period=date(2026, 12, 1), actor=site_a.users["finance"],
                     now=T0 + timedelta(days=10))
    dec = Bill.objects.get(unit=unit, period=date(2026, 12, 1))
    assert dec.paid == min(dec.total, -expected)
    assert pay.receipt.number and big.receipt.seq == pay.receipt.seq + 1


def test_f02_payment_on_chosen_bills(site_a, fees_a):
    read_meters(site_a, fees_a, date(2026, 9, 1), ["100", "200", "300"])
    svc.bill_run_now(site=site_a.site, period=OCT, actor=site_a.users["finance"], now=T0 - timedelta(days=30))
    _nov_run(site_a, fees_a)
    unit = site_a.units[0]
    novb = Bill.objects.get(unit=unit, period=NOV)
    svc.payment_post(unit=unit, amount=str(novb.total), method="transfer", actor=site_a.users["front_desk"],
                     now=T0, bills=[novb])
    novb.refresh_from_db()
    assert novb.status == Bill.Status.PAID
    assert Bill.objects.get(unit=unit, period=OCT).paid == 0
    with pytest.raises(DomainError):  # another unit's bill
        svc.payment_post(unit=site_a.units[1], amount="1", method="cash", actor=site_a.users["front_desk"], now=T0,
                         bills=[Bill.objects.get(unit=unit, period=OCT)])


def test_f02_receipt_numbers_per_site_and_year(site_a, site_b, fees_a, fees_b):
    # SPEC F-02: gapless per site and year; a new year starts at 1
    pays_a = [svc.payment_post(unit=site_a.units[0], amount="10", method="cash", actor=site_a.users["front_desk"],
                               now=T0) for _ in range(3)]
    pay_b = svc.payment_post(unit=site_b.units[0], amount="10", method="cash", actor=site_b.users["front_desk"],
                             now=T0)
    assert [p.receipt.seq for p in pays_a] == [1, 2, 3] and pay_b.receipt.seq == 1
    assert pays_a[0].receipt.number == f"{site_a.site.code}-2026-000001"
    next_year = svc.payment_post(unit=site_a.units[0], amount="10", method="cash", actor=site_a.users["front_desk"],
                                 now=T0 + timedelta(days=60))
    assert (next_year.receipt.year, next_year.receipt.seq) == (2027, 1)


def test_f02_reversal_with_reason_by_finance_not_more_than_paid_not_of_a_reversal(site_a, fees_a):
    # SPEC F-02, T-18: counter-entry with reason and approver; refused twice over
    _nov_run(site_a, fees_a)
    unit = site_a.units[0]
    pay = svc.payment_post(unit=unit, amount="430.33", method="cash", actor=site_a.users["front_desk"], now=T0)
    with pytest.raises(DomainError):  # the front desk cannot reverse
        svc.payment_reverse(payment=pay, amount="10", reason="录错", actor=site_a.users["front_desk"], now=T0)
    with pytest.raises(DomainError) as err:
        svc.payment_reverse(payment=pay, amount="10", reason=" ", actor=site_a.users["finance"], now=T0)
    assert err.value.code == "reason"
    with pytest.raises(DomainError):
        svc.payment_reverse(payment=pay, amount="430.34", reason="录错", actor=site_a.users["finance"], now=T0)
    rev = svc.payment_reverse(payment=pay, amount="30.33", reason="金额录错", actor=site_a.users["finance"], now=T0)
    assert rev.approved_by == site_a.users["finance"]
    bill = Bill.objects.get(unit=unit, period=NOV)
    assert bill.status == Bill.Status.OPEN and bill.paid == Decimal("400.00")
    assert svc.balance(unit.pk) == Decimal("30.33")
    with pytest.raises(DomainError):  # only 400 left
        svc.payment_reverse(payment=pay, amount="400.01", reason="x", actor=site_a.users["finance"], now=T0)
    with pytest.raises(DomainError) as err:
        svc.ledger_entry_reverse(entry=rev.entry, amount="1", reason="x", actor=site_a.users["finance"], now=T0)
    assert err.value.code == "reversal_of_reversal"
    assert Payment.objects.get(pk=pay.pk).amount == Decimal("430.33")  # the payment itself never changes


def test_f02_balance_is_the_sum_of_the_ledger(site_a, fees_a):
    _nov_run(site_a, fees_a)
    unit = site_a.units[1]
    svc.payment_post(unit=unit, amount="50", method="cash", actor=site_a.users["front_desk"], now=T0)
    bills = sum(b.total for b in Bill.objects.filter(unit=unit))
    assert svc.balance(unit.pk) == bills - Decimal("50")
    assert sum(a.amount for a in Allocation.objects.filter(bill__unit=unit)) == Decimal("50")


@pytest.mark.parametrize("raw", ["-1", "0.001", "NaN", "1e309", "1000000000000", "abc", "", "1.2.3", "inf"])
def test_bad_amounts_refused_with_a_message(site_a, fees_a, raw):
    # issue 16 "bad input": never a 500, never a float
    with pytest.raises(DomainError) as err:
        svc.payment_post(unit=site_a.units[0], amount=raw, method="cash", actor=site_a.users["front_desk"], now=T0)
    assert err.value.message
    assert not Payment.objects.exists()


@pytest.mark.parametrize(("raw", "value"), [("１２３", "123.00"), ("1,000.00", "1000.00"), (" 12.5 ", "12.50"),
                                            ("¥88", "88.00")])
def test_amounts_read_correctly(site_a, fees_a, raw, value):
    pay = svc.payment_post(unit=site_a.units[0], amount=raw, method="cash", actor=site_a.users["front_desk"], now=T0)
    assert pay.amount == Decimal(value) and isinstance(pay.amount, Decimal)


def test_deposit_take_deduct_refund_never_more_than_held(site_a, fees_a):
    # issue 16 part 6, R-03/R-07
    unit = site_a.units[0]
    move = svc.deposit_take(unit=unit, amount="2000", method="cash", reference="ZX-1", actor=site_a.users["front_desk"],
                            now=T0)
    assert move.payment.receipt.seq == 1
    with pytest.raises(DomainError) as err:
        svc.deposit_deduct(unit=unit, amount="100", reason="", reference="ZX-1", actor=site_a.users["finance"], now=T0)
    assert err.value.code == "reason"
    svc.deposit_deduct(unit=unit, amount="300", reason="损坏公共墙面", reference="ZX-1", actor=site_a.users["finance"],
                       now=T0)
    with pytest.raises(DomainError) as err:
        svc.deposit_refund(unit=unit, amount="1700.01", reference="ZX-1", actor=site_a.users["finance"], now=T0)
    assert err.value.code == "more_than_held"
    svc.deposit_refund(unit=unit, amount="1700", reference="ZX-1", actor=site_a.users["finance"], now=T0)
    assert svc.deposit_held(unit) == 0
    assert DepositMovement.objects.filter(unit=unit).count() == 3
    # the charges account is untouched by deposits
    assert svc.balance(unit.pk) == 0


def test_f04_reading_lower_refused_unusual_flagged(site_a, fees_a):
    # SPEC F-04
    m = fees_a.meters[0]
    for i, v in enumerate(["100", "110", "120", "130"]):
        svc.meter_reading_record(meter=m, period=date(2026, 7 + i, 1), reading=v, actor=site_a.users["zone_staff"],
                                 now=T0)
    with pytest.raises(DomainError) as err:
        svc.meter_reading_record(meter=m, period=NOV, reading="129", actor=site_a.users["zone_staff"], now=T0)
    assert err.value.code == "lower"
    r = svc.meter_reading_record(meter=m, period=NOV, reading="200", actor=site_a.users["zone_staff"], now=T0)
    assert r.flagged and r.flag_reason and r.consumption == Decimal("70.00")


def test_f04_import_row_report(site_a, fees_a):
    report = svc.meter_readings_import(site_id=site_a.site.pk, period=NOV, actor=site_a.users["zone_staff"], now=T0,
                                       rows=[("W3-2-1501", "12"), ("NOPE", "1"), ("W3-2-1502", "-3"),
                                             ("W3-2-1601", "１５")])
    assert [r.ok for r in report] == [True, False, False, True]
    assert [r.row for r in report] == [2, 3, 4, 5]
    assert all(r.message for r in report)


def test_f06_approved_work_order_charge_posted_once(site_a, fees_a):
    # SPEC F-06, T-07: approved charges only, once
    from tests.tickets.helpers import register
    from tickets.models import Charge

    order = register(site_a)
    Charge.objects.create(order=order, description="更换水龙头", quantity=Decimal("1"), unit_price=Decimal("80"),
                          amount=Decimal("80"))
    with pytest.raises(DomainError):
        svc.work_order_charge_post(order=order, actor=site_a.users["front_desk"], now=T0)
    order.charges_approved_by = site_a.users["cs_supervisor"]
    order.save(update_fields=["charges_approved_by"])
    assert svc.work_order_charges_post_pending(site=site_a.site, actor=site_a.users["front_desk"], now=T0) == 1
    assert svc.work_order_charges_post_pending(site=site_a.site, actor=site_a.users["front_desk"], now=T0) == 0
    bill = Bill.objects.get(work_order_id=order.pk)
    # paid at the callback visit, receipt printed there
    pay = svc.payment_post(unit=site_a.units[0], amount="80", method="mobile", actor=site_a.users["front_desk"],
                           now=T0, bills=[bill])
    bill.refresh_from_db()
    assert bill.status == Bill.Status.PAID and Receipt.objects.filter(payment=pay).exists()


def test_f03_reminder_for_zone_staff_with_deadline_and_outcome(site_a, fees_a):
    # SPEC F-03: assigned to the zone staff, deadline from the policy table, outcome recorded
    _nov_run(site_a, fees_a)
    unit = site_a.units[0]
    with pytest.raises(DomainError):
        svc.reminder_create(unit=unit, actor=site_a.users["zone_staff"], now=T0)
    rem = svc.reminder_create(unit=unit, actor=site_a.users["finance"], now=T0)
    assert rem.assigned_to == site_a.staff["zone_staff"] and rem.amount == Decimal("430.33")
    deadline = Deadline.objects.get(code="fees.reminder", subject_id=rem.pk)
    assert deadline.due_at > T0
    with pytest.raises(DomainError):  # one open reminder per unit
        svc.reminder_create(unit=unit, actor=site_a.users["finance"], now=T0)
    svc.reminder_record_outcome(reminder=rem, outcome="promised", note="月底前交", actor=site_a.users["zone_staff"],
                                now=T0)
    deadline.refresh_from_db()
    assert deadline.state == "met"
    assert Reminder.objects.get(pk=rem.pk).outcome == "promised"


def test_other_site_staff_refused(site_a, site_b, fees_a):
    # SPEC X-02: another site's unit
    with pytest.raises(DomainError):
        svc.payment_post(unit=site_a.units[0], amount="1", method="cash", actor=site_b.users["front_desk"], now=T0)
    with pytest.raises(DomainError):
        svc.bill_run_now(site=site_a.site, period=NOV, actor=site_b.users["finance"], now=T0)
