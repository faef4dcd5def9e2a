"""Bank collection (银行托收, F-05): finance exports the month's collectable bills per bank and imports
the bank's result. A collected line becomes a payment with a receipt; a failed line keeps its bill in
arrears with the bank's reason. Each line takes its result once, so a file imported twice (or two
finance clerks importing at once) changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.errors import DomainError
from estates.models import Site
from fees import permissions
from fees.models import BankAccount, BankBatch, BankLine, Bill, Payment
from fees.money import parse_amount
from fees.services.common import month_start
from fees.services.payments import payment_post

HEADER = ["流水号", "账号", "户名", "金额"]  # what Chinese banks' 代收 files carry (ref, account, name, amount)
RESULT_OK = {"成功", "success", "ok", "1", "已扣款", "collected"}


@transaction.atomic
def bank_batch_create(*, site: Site, bank: str, period: date, actor: User, now: datetime | None = None) -> BankBatch:
    """The collectable bills of units with an active collection account at `bank`, up to `period`."""
    permissions.check_finance(actor, site.pk)
    period = month_start(period)
    batch = BankBatch.objects.create(site=site, bank=bank, period=period, created_by=actor)
    pending = BankLine.objects.filter(status=BankLine.Status.SENT).values("bill_id")
    accounts = {a.unit_id: a for a in BankAccount.objects.filter(site=site, bank=bank, active=True)}
    bills = (Bill.objects.filter(site=site, status=Bill.Status.OPEN, unit_id__in=list(accounts), period__lte=period)
             .exclude(pk__in=pending).order_by("unit_id", "period"))
    lines = [BankLine(batch=batch, bill=b, account_no=accounts[b.unit_id].account_no,
                      holder=accounts[b.unit_id].holder, amount=b.total - b.paid) for b in bills if b.total > b.paid]
    if not lines:
        raise DomainError(_("No collectable bills for this bank."), code="empty")
    BankLine.objects.bulk_create(lines)
    return batch


def bank_batch_rows(batch: BankBatch) -> list[list]:
    return [[ln.pk, ln.account_no, ln.holder, f"{ln.amount:.2f}"] for ln in batch.lines.order_by("pk")]


def bank_batch_csv(batch: BankBatch) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    w.writerows(bank_batch_rows(batch))
    return out.getvalue().encode("utf-8-sig")  # BOM: Excel on Chinese Windows opens it right


def bank_batch_xlsx(batch: BankBatch) -> bytes:

    wb = Workbook()
    ws = wb.active
    ws.title = "托收"
    ws.append(HEADER)
    for ref, acct, holder, amount in bank_batch_rows(batch):
        ws.append([ref, acct, holder, amount])  # amount as text "123.45": never a float in the file
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class ResultRow:
    row: int
    ref: str
    outcome: str  # collected / failed / already / error
    message: str


def bank_result_import(*, batch: BankBatch, rows: list[list[str]], actor: User, now: datetime | None = None
                       ) -> list[ResultRow]:
    """Rows (流水号, 结果, 原因[, 金额]): each line takes its result once (row lock + status check)."""
    now = now or timezone.now()
    permissions.check_finance(actor, batch.site_id)
    report = []
    for i, row in enumerate(rows, start=2):
        cells = [str(c if c is not None else "").strip() for c in row] + ["", "", "", ""]
        ref, result, reason = cells[0], cells[1], cells[2]
        if not ref.isdigit():
            report.append(ResultRow(i, ref, "error", _("The serial number is missing or not a number.")))
            continue
        with transaction.atomic():
            line = BankLine.objects.select_for_update().select_related("bill__unit").filter(
                pk=int(ref), batch=batch).first()
            if line is None:
                report.append(ResultRow(i, ref, "error", _("No such line in this batch.")))
                continue
            if line.status != BankLine.Status.SENT:
                report.append(ResultRow(i, ref, "already", _("Already imported: %(status)s")
                                        % {"status": line.get_status_display()}))
                continue
            if result.lower() in RESULT_OK:
                if cells[3]:
                    try:
                        if parse_amount(cells[3]) != line.amount:
                            report.append(ResultRow(i, ref, "error", _("The amount differs from the file sent.")))
                            continue
                    except DomainError as err:
                        report.append(ResultRow(i, ref, "error", err.message))
                        continue
                line.status = BankLine.Status.COLLECTED
                line.save(update_fields=["status"])
                payment_post(unit=line.bill.unit, amount=line.amount, method=Payment.Method.BANK_COLLECTION,
                             actor=actor, now=now, bills=[line.bill] if line.bill.status == Bill.Status.OPEN else None,
                             reference=f"{batch.bank}#{line.pk}", payer=line.holder, bank_line=line, _checked=True)
                report.append(ResultRow(i, ref, "collected", _("Collected; receipt issued.")))
            else:
                line.status, line.reason = BankLine.Status.FAILED, (reason or result)[:200]
                line.save(update_fields=["status", "reason"])
                report.append(ResultRow(i, ref, "failed", line.reason))
    return report
