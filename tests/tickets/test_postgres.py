"""SPEC T-02 on PostgreSQL: numbers stay unique and gapless under concurrent entry."""

from datetime import timedelta

import pytest
from django.db import connection

from tests.concurrency import errors_of, run_at_once
from tests.tickets.helpers import T0, cat, ensure_categories
from tickets import services
from tickets.models import WorkOrder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


# SPEC T-02: 12 registrations from 6 threads at once → BS-…-0001 … 0012, no duplicate, no gap
def test_concurrent_numbering(site_a):
    assert connection.vendor == "postgresql"
    ensure_categories()  # flushed by earlier transactional tests
    site, category, user, unit = site_a.site, cat("repair"), site_a.users["front_desk"], site_a.units[0]

    def work(i):
        for j in range(2):
            services.work_order_register(site=site, category=category, content=f"并发{i}-{j}", unit=unit,
                                         actor=user, now=T0 + timedelta(seconds=i))

    assert errors_of(run_at_once([lambda i=i: work(i) for i in range(6)])) == []
    numbers = sorted(WorkOrder.objects.filter(site=site).values_list("number", flat=True))
    assert numbers == [f"BS-20261118-{n:04d}" for n in range(1, 13)]
