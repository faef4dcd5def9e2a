"""Issue 22 demo: a resident login at SSTY, a waiting online report, notices; idempotent."""

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from estates import demo as estates_demo
from portal import demo
from portal.models import Notice, OnlineReport, ResidentAccount

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_the_resident_can_log_in(rf):
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)
    account = ResidentAccount.objects.get()
    assert OnlineReport.objects.filter(status="pending").count() == 1 and Notice.objects.count() == 2
    assert authenticate(rf.post("/portal/p/login/"), username=account.user.username, password=demo.PASSWORD)
