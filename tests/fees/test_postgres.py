"""Fees on PostgreSQL: the database itself refuses to change posted money rows; receipt numbers stay
gapless under concurrent cashiers and rolled-back transactions (SPEC F-02, issue 16)."""

import random
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction

from fees import services as svc
from fees.models import Bill, LedgerEntry, Payment, Receipt
from tests.concurrency import errors_of, run_at_once
from tests.fees.conftest import NOV, OCT, T0, read_meters, setup_fees

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Rollback(Exception):
    pass


@pytest.mark.parametrize(("table", "sql"), [
    ("fees_payment", "UPDATE fees_payment SET amount = 1 WHERE id = %s"),
    ("fees_payment", "DELETE FROM fees_payment WHERE id = %s"),
    ("fees_receipt", "UPDATE fees_receipt SET number = 'X' WHERE payment_id = %s"),
    ("fees_receipt", "DELETE FROM fees_receipt WHERE payment_id = %s"),
    ("fees_ledgerentry", "UPDATE fees_ledgerentry SET amount = 0 WHERE payment_id = %s"),
    ("fees_ledgerentry", "DELETE FROM fees_ledgerentry WHERE payment_id = %s"),
])
def test_f02_raw_sql_cannot_change_posted_rows(site_a, table, sql):
    # SPEC F-02: "never updated or deleted — enforced in the database"
    setup_fees(site_a)
    pay = svc.payment_post(unit=site_a.units[0], amount="100", method="cash", actor=site_a.users["front_desk"],
                           now=T0)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [pay.pk])
    assert Payment.objects.get(pk=pay.pk).amount == 100
    assert Receipt.objects.filter(payment=pay).count() == 1
    assert LedgerEntry.objects.filter(payment=pay).count() == 1


def test_f02_orm_update_refused_too(site_a):
    setup_fees(site_a)
    pay = svc.payment_post(unit=site_a.units[0], amount="100", method="cash", actor=site_a.users["front_desk"],
                           now=T0)
    with pytest.raises(DatabaseError), transaction.atomic():
        Payment.objects.filter(pk=pay.pk).update(amount=1)


def test_f02_receipts_50_threads_2_sites_10pct_rollbacks_gapless(site_a, site_b):
    # SPEC F-02: gapless per site and year under concurrent cashiers and rolled-back transactions
    setup_fees(site_a)
    setup_fees(site_b)
    rng = random.Random(16)
    plan = [(rng.choice((site_a, site_b)), rng.random() < 0.10) for _ in range(50 * 4)]

    def work(i):
        for k in range(4):
            ns, rollback = plan[i * 4 + k]
            try:
                with transaction.atomic():
                    svc.payment_post(unit=ns.units[(i + k) % 3], amount=f"{10 + i}.{k}0", method="cash",
                                     actor=ns.users["front_desk"], now=T0 + timedelta(seconds=i))
                    if rollback:
                        raise Rollback
            except Rollback:
                pass

    outcomes = run_at_once([lambda i=i: work(i) for i in range(50)], timeout=300)
    assert errors_of(outcomes) == []
    for ns in (site_a, site_b):
        committed = sum(1 for s, rb in plan if s is ns and not rb)
        seqs = sorted(Receipt.objects.filter(site=ns.site, year=2026).values_list("seq", flat=True))
        assert seqs == list(range(1, committed + 1))
    assert Payment.objects.count() == Receipt.objects.count()


def test_concurrent_payments_same_unit_never_overpay_a_bill(site_a):
    # allocation under the unit lock: two cashiers on one unit never settle the same fen twice
    f = setup_fees(site_a)
    read_meters(site_a, f, OCT, ["100", "200", "300"])
    read_meters(site_a, f, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    unit = site_a.units[0]
    outcomes = run_at_once([lambda: svc.payment_post(unit=unit, amount="300", method="cash",
                                                     actor=site_a.users["front_desk"], now=T0)
                            for _ in range(4)])
    assert errors_of(outcomes) == []
    bill = Bill.objects.get(unit=unit, period=NOV)
    assert bill.paid == bill.total and bill.status == Bill.Status.PAID
    assert svc.balance(unit.pk) == bill.total - 1200


def test_f02_bill_run_array_insert_keeps_names_lines_and_order(site_a):
    # SPEC F-02 / F-01: the PostgreSQL run sends its lines as array literals; a name with quotes, a
    # backslash, commas, braces or the word NULL arrives as typed, every line in the computed order,
    # each bill's total is the sum of its lines and the ledger charges the bill once
    from fees.models import BillLine, ChargeItem
    from fees.services.billing import _monthly_items, _tariffs_for, compute_lines

    f = setup_fees(site_a)
    odd = 'NULL 垃圾"清运"\\费, {A区}'
    ChargeItem.objects.filter(pk=f.garbage.pk).update(name=odd)
    read_meters(site_a, f, OCT, ["100", "200", "300"])
    read_meters(site_a, f, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    expected = compute_lines(site_a.units, site_id=site_a.site.pk, period=NOV, items=_monthly_items(site_a.site.pk),
                             tariffs=_tariffs_for(site_a.site.pk, NOV))
    for unit in site_a.units:
        bill = Bill.objects.get(unit=unit, period=NOV, kind=Bill.Kind.MONTHLY)
        got = list(BillLine.objects.filter(bill=bill).order_by("id")
                   .values_list("item_id", "description", "quantity", "unit_price", "amount"))
        assert got == [tuple(ln) for ln in expected[unit.pk]]
        assert odd in [row[1] for row in got]
        assert bill.total == sum(row[4] for row in got)
        assert list(LedgerEntry.objects.filter(bill=bill).values_list("kind", "amount")) == [("charge", bill.total)]
