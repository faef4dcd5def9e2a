"""Demo renovations: every state at both demo sites, a violation with a deduction, an overdue patrol
(issue 17 part 10); idempotent."""

import pytest
from django.utils import timezone

from estates import demo as estates_demo
from fees.models import DepositMovement
from renovation import demo
from renovation.models import Renovation, Violation

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_state_and_is_idempotent():
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)  # idempotent
    for code in demo.SITE_CODES:
        rens = Renovation.objects.filter(site__code=code)
        states = set(rens.values_list("status", flat=True))
        assert states == {s.value for s in Renovation.Status} - {"rejected"}, code
        assert rens.filter(status="active", patrol_overdue_at__isnull=False).count() == 1
        assert Violation.objects.filter(site__code=code, measure="deduction", deducted_at__isnull=False).count() == 2
        assert DepositMovement.objects.filter(site__code=code, kind="refunded").count() == 1
    assert Renovation.objects.count() == 2 * 12
