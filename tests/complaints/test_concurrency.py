"""C-05 / C-06 exactly once with concurrent sweeps (X-04): PostgreSQL only (SKIP LOCKED)."""

from datetime import timedelta

import pytest

from complaints.models import Escalation, Level, Severity
from complaints.services import complaint_receive
from core.deadlines import deadline_breach_due
from core.models import Notification
from tests.complaints.conftest import T0
from tests.concurrency import errors_of, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


# SPEC C-05 C-06
def test_parallel_sweeps_escalate_to_company_leader_once(site_a, company_staff):
    c = complaint_receive(site=site_a.site, actor=site_a.staff["security_officer"], subject="燃气泄漏",
                          unit=site_a.units[0], severity=Severity.EMERGENCY, now=T0)
    outcomes = run_at_once([lambda: deadline_breach_due(now=T0 + timedelta(minutes=6))] * 3)
    assert errors_of(outcomes) == []
    assert Escalation.objects.filter(complaint=c, level=Level.COMPANY_LEADER).count() == 1
    assert Notification.objects.filter(recipient=company_staff.leader.user, subject_id=c.pk,
                                       subject_type__model="complaint").count() == 1
