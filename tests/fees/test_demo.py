"""Demo fees (issue 16 part 10): a year of bills, payments, arrears of several ages, one reversal; idempotent."""

import pytest
from django.utils import timezone

from estates import demo as estates_demo
from fees import demo
from fees import services as svc
from fees.models import Bill, LedgerEntry, Payment, Receipt, Reminder, Reversal
from fees.selectors import arrears_aging

pytestmark = pytest.mark.django_db


def test_demo_year_of_bills_payments_arrears_reversal(django_user_model):
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)  # idempotent
    months = set(Bill.objects.filter(site__code="SSTY").values_list("period", flat=True))
    assert len(months) == 12
    assert Payment.objects.count() == Receipt.objects.count() > 100
    assert Reversal.objects.count() == 1 and Reminder.objects.count() == 1
    admin = django_user_model.objects.create_superuser("root-demo", password="x")
    rows = list(arrears_aging(admin, as_of=timezone.localdate(now).replace(day=1), group="site"))
    assert rows and rows[0]["m12p"] == 0 and rows[0]["m12"] > 0 and rows[0]["m1"] > 0
    seqs = list(Receipt.objects.filter(site__code="SSTY").order_by("year", "seq").values_list("year", "seq"))
    by_year = {}
    for y, s in seqs:
        by_year.setdefault(y, []).append(s)
    assert all(v == list(range(1, len(v) + 1)) for v in by_year.values())
    unit_id = LedgerEntry.objects.values_list("unit_id", flat=True).first()
    from django.db.models import Sum

    assert svc.balance(unit_id) == LedgerEntry.objects.filter(unit_id=unit_id, account="receivable").aggregate(
        s=Sum("amount"))["s"].quantize(svc.balance(unit_id))
