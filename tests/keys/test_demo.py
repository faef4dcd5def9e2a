"""Demo keys: every state at both demo sites, one overdue (SPEC §6 demo data)."""

import pytest
from django.utils import timezone

from estates import demo as estates_demo
from keys import demo
from keys.models import KeyDeposit, KeyIncident, KeyUse

pytestmark = pytest.mark.django_db


def test_demo_seeds_every_state_and_is_idempotent():
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)  # idempotent
    for code in demo.SITE_CODES:
        states = set(KeyDeposit.objects.filter(site__code=code).values_list("status", flat=True))
        assert states == {s.value for s in KeyDeposit.Status}, code
        assert KeyUse.objects.filter(site__code=code, status="out", overdue_at__isnull=False).count() == 1
        assert KeyIncident.objects.filter(site__code=code, status="open").count() == 1
    assert KeyDeposit.objects.count() == 2 * 11
