"""Issue 21.3: an order's page in at most 10 queries for every role, whatever its state, on the first
request after login (user, roles and site read once) and on the next ones (all from the cache)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tickets.helpers import dispatch, register, to_completed
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_order_detail_at_most_10_queries_for_every_role(client, site_a, company_staff,
                                                         django_assert_max_num_queries):
    # issue 21.3
    orders = [register(site_a, "repair"), dispatch(site_a, register(site_a, "drain")), to_completed(site_a, "repair")]
    users = {**site_a.users, "company_leader": company_staff.leader.user, "executive": company_staff.executive.user}
    for order in orders:
        url = WorkOrder.objects.get(pk=order.pk).get_absolute_url()
        for role, user in users.items():
            client.force_login(user)
            with django_assert_max_num_queries(10):  # first page after login
                assert client.get(url).status_code == 200, role
            with CaptureQueriesContext(connection) as warm:
                assert client.get(url).status_code == 200
            assert len(warm.captured_queries) <= 8, (role, order.status, len(warm.captured_queries))
