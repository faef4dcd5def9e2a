"""Issue 13.3: bounded decimals (core.numbers) and the deadline policy's amount."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from core import numbers
from core.errors import DomainError
from core.models import DeadlinePolicy


@pytest.mark.parametrize("raw", ["1e309", "NaN", "inf", "-Infinity", "1" * 40, "-1", "1.555", "abc", "1000"])
def test_bounded_decimal_refuses(raw):
    with pytest.raises(DomainError):
        numbers.bounded_decimal(raw, numbers.HOURS, "工时")


def test_bounded_decimal_accepts_and_normalises():
    assert numbers.bounded_decimal("１.５", numbers.HOURS, "工时") == Decimal("1.50")
    assert numbers.HOURS.form_field().clean("2") == Decimal("2")


@pytest.mark.django_db
def test_policy_amount_bounded_in_database():
    policy = DeadlinePolicy.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlinePolicy.objects.filter(pk=policy.pk).update(amount=10**6)
