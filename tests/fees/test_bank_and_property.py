"""SPEC F-05 bank collection (export, result imported twice → nothing doubled) and a property test: random
bills, partial payments, reversals and deposit refunds keep every unit's balance equal to a Decimal
reference and to the sum of its ledger (F-02)."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from fees import services as svc
from fees.models import BankAccount, BankLine, Bill, LedgerEntry, Payment, Receipt
from fees.services.payments import payment_unallocated
from tests.fees.conftest import NOV, OCT, T0, read_meters

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(site_a, fees_a):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    for i, u in enumerate(site_a.units[:2]):
        BankAccount.objects.create(site=site_a.site, unit=u, bank="工商银行", account_no=f"62220000000{i}",
                                   holder=f"业主{i}")
    return svc.bank_batch_create(site=site_a.site, bank="工商银行", period=NOV, actor=site_a.users["finance"], now=T0)


def test_f05_export_csv_and_xlsx(batch):
    rows = list(csv.reader(io.StringIO(svc.bank_batch_csv(batch).decode("utf-8-sig"))))
    assert rows[0] == ["流水号", "账号", "户名", "金额"] and len(rows) == 3
    assert rows[1][3] == f"{batch.lines.first().amount:.2f}"
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(svc.bank_batch_xlsx(batch))).active
    assert ws.max_row == 3 and ws.cell(2, 4).value == rows[1][3]


def test_f05_result_imported_twice_changes_nothing(site_a, batch):
    # SPEC F-05: collected → payment with receipt; failed → stays in arrears with the bank's reason
    ok, bad = list(batch.lines.order_by("pk"))
    rows = [[str(ok.pk), "成功", "", f"{ok.amount:.2f}"], [str(bad.pk), "失败", "余额不足"], ["x", "成功", ""]]
    first = svc.bank_result_import(batch=batch, rows=rows, actor=site_a.users["finance"], now=T0)
    assert [r.outcome for r in first] == ["collected", "failed", "error"]
    second = svc.bank_result_import(batch=batch, rows=rows, actor=site_a.users["finance"], now=T0)
    assert [r.outcome for r in second] == ["already", "already", "error"]
    assert Payment.objects.filter(method="bank").count() == 1 and Receipt.objects.count() == 1
    assert Bill.objects.get(pk=ok.bill_id).status == Bill.Status.PAID
    failed = BankLine.objects.get(pk=bad.pk)
    assert failed.reason == "余额不足" and Bill.objects.get(pk=bad.bill_id).status == Bill.Status.OPEN
    # a new file for the month takes the failed bill again, not the collected one
    again = svc.bank_batch_create(site=site_a.site, bank="工商银行", period=NOV, actor=site_a.users["finance"], now=T0)
    assert list(again.lines.values_list("bill_id", flat=True)) == [bad.bill_id]


def test_f05_amount_mismatch_refused(site_a, batch):
    line = batch.lines.first()
    report = svc.bank_result_import(batch=batch, rows=[[str(line.pk), "成功", "", "1.00"]],
                                    actor=site_a.users["finance"], now=T0)
    assert report[0].outcome == "error" and not Payment.objects.exists()


def test_f05_only_finance_imports(site_a, batch):
    with pytest.raises(DomainError):
        svc.bank_result_import(batch=batch, rows=[], actor=site_a.users["front_desk"], now=T0)


# ---- property test
ops = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 2), st.decimals("0.01", "500", places=2)),
    st.tuples(st.just("reverse"), st.integers(0, 50), st.decimals("0.01", "300", places=2)),
    st.tuples(st.just("deposit"), st.integers(0, 2), st.decimals("0.01", "500", places=2)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.decimals("0.01", "500", places=2)),
    st.tuples(st.just("bill"), st.integers(0, 2), st.decimals("0", "40", places=2)),
), min_size=1, max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(steps=ops)
def test_f02_property_balances_match_a_decimal_reference(site_a, fees_a, steps):
    # SPEC F-02: the unit's balance is the sum of its ledger, always; reversals never exceed what was paid,
    # refunds never exceed what is held — checked against a plain Decimal model of the same steps
    from django.db import transaction

    fin, desk = site_a.users["finance"], site_a.users["front_desk"]
    with transaction.atomic():
        sid = transaction.savepoint()
        owed = {u.pk: Decimal("0") for u in site_a.units}
        held = {u.pk: Decimal("0") for u in site_a.units}
        left: dict[int, Decimal] = {}
        payments: list[Payment] = []
        month = 0
        for op, idx, amount in steps:
            unit = site_a.units[idx % 3]
            now = T0 + timedelta(minutes=len(payments) + month)
            if op == "pay":
                p = svc.payment_post(unit=unit, amount=str(amount), method="cash", actor=desk, now=now)
                payments.append(p)
                left[p.pk] = amount
                owed[unit.pk] -= amount
            elif op == "reverse" and payments:
                p = payments[idx % len(payments)]
                if amount > left[p.pk]:
                    with pytest.raises(DomainError):
                        svc.payment_reverse(payment=p, amount=str(amount), reason="测试", actor=fin, now=now)
                else:
                    svc.payment_reverse(payment=p, amount=str(amount), reason="测试", actor=fin, now=now)
                    left[p.pk] -= amount
                    owed[p.unit_id] += amount
            elif op == "deposit":
                svc.deposit_take(unit=unit, amount=str(amount), method="cash", actor=desk, now=now)
                held[unit.pk] += amount
            elif op == "refund":
                if amount > held[unit.pk]:
                    with pytest.raises(DomainError):
                        svc.deposit_refund(unit=unit, amount=str(amount), actor=fin, now=now)
                else:
                    svc.deposit_refund(unit=unit, amount=str(amount), actor=fin, now=now)
                    held[unit.pk] -= amount
            elif op == "bill":
                # a month's bill for every unit (water use `amount` for the chosen unit's meter)
                period = NOV.replace(year=2027 + month // 12, month=month % 12 + 1)
                month += 1
                prev = fees_a.meters[idx % 3].readings.order_by("-period").first()
                base = prev.reading if prev else Decimal("0")
                svc.meter_reading_record(meter=fees_a.meters[idx % 3], period=period, reading=str(base + amount),
                                         actor=site_a.users["zone_staff"], now=now)
                svc.bill_run_now(site=site_a.site, period=period, actor=fin, now=now)
                for b in Bill.objects.filter(period=period):
                    owed[b.unit_id] += b.total
            for u in site_a.units:
                assert svc.balance(u.pk) == owed[u.pk]
                assert svc.deposit_held(u) == held[u.pk]
                bills = Bill.objects.filter(unit=u).exclude(status=Bill.Status.VOID)
                # bills are never overpaid; what is unpaid plus credit equals the balance
                assert all(Decimal("0") <= b.paid <= b.total for b in bills)
                unpaid = sum((b.total - b.paid for b in bills), Decimal("0"))
                ledger = sum(LedgerEntry.objects.filter(unit=u, account="receivable").values_list("amount",
                                                                                                  flat=True),
                             Decimal("0"))
                assert ledger == owed[u.pk]
                pays = Payment.objects.filter(unit=u, purpose="charges").values_list("pk", flat=True)
                credit = sum(payment_unallocated(pays).values(), Decimal("0"))
                assert unpaid - credit == owed[u.pk]
                assert unpaid == 0 or credit == 0  # credit always settles what is open
        transaction.savepoint_rollback(sid)
