"""One numbering service for every numbered record (issue 23.1): work orders `BS-…`, complaints `TS…`,
later receipts and permits.

A counter row per (site, series, period) is locked with SELECT … FOR UPDATE and incremented in the
caller's transaction: numbers are gapless (a rolled-back record hands its number back) and unique
under concurrency. The lock is held until the caller commits, so callers take the number LAST,
just before commit (issue 13.11): whatever else the registration does runs without the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from core.models import NumberCounter


def number_take(*, site_id: int, series: str, period: str, seed: Callable[[], int] | None = None) -> int:
    """The next number of (site, series, period), locked until the caller's transaction ends.

    `seed` gives the last number already used when the counter row does not exist yet (records
    numbered before the counter existed); it runs once, when the row is created.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that saves the record")
    counter = NumberCounter.objects.select_for_update().filter(site_id=site_id, series=series, period=period).first()
    if counter is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent first number of the period wins the insert
                NumberCounter.objects.create(site_id=site_id, series=series, period=period,
                                             last=seed() if seed else 0)
        except IntegrityError:
            pass  # created by the other transaction (we waited for its commit); lock it below
        counter = NumberCounter.objects.select_for_update().get(site_id=site_id, series=series, period=period)
    NumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def day_period(at: datetime) -> str:
    """The period of a daily series: the local date of `at` as YYYYMMDD."""
    return f"{timezone.localdate(at):%Y%m%d}"
