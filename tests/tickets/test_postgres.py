"""SPEC T-02 on PostgreSQL: numbers stay unique and gapless under concurrent entry."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection

from tests.tickets.helpers import T0, cat, ensure_categories
from tickets import services
from tickets.models import WorkOrder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


# SPEC T-02: 12 registrations from 6 threads at once → BS-…-0001 … 0012, no duplicate, no gap
def test_concurrent_numbering(site_a):
    assert connection.vendor == "postgresql"
    ensure_categories()  # flushed by earlier transactional tests
    site, category, user, unit = site_a.site, cat("repair"), site_a.users["front_desk"], site_a.units[0]
    errors, barrier = [], threading.Barrier(6)

    def work(i):
        try:
            barrier.wait()
            for j in range(2):
                services.work_order_register(site=site, category=category, content=f"并发{i}-{j}", unit=unit,
                                             actor=user, now=T0 + timedelta(seconds=i))
        except Exception as exc:  # noqa: BLE001 — collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(WorkOrder.objects.filter(site=site).values_list("number", flat=True))
    assert numbers == [f"BS-20261118-{n:04d}" for n in range(1, 13)]
