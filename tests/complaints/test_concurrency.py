"""C-05 / C-06 exactly once with concurrent sweeps (X-04): PostgreSQL only (SKIP LOCKED)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from complaints.models import Escalation, Level, Severity
from complaints.services import complaint_receive
from core.deadlines import deadline_breach_due
from core.models import Notification
from tests.complaints.conftest import T0

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


# SPEC C-05 C-06
def test_parallel_sweeps_escalate_to_company_leader_once(site_a, company_staff):
    c = complaint_receive(site=site_a.site, actor=site_a.staff["security_officer"], subject="燃气泄漏",
                          unit=site_a.units[0], severity=Severity.EMERGENCY, now=T0)
    barrier = threading.Barrier(3)
    errors = []

    def sweep():
        try:
            barrier.wait()
            deadline_breach_due(now=T0 + timedelta(minutes=6))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Escalation.objects.filter(complaint=c, level=Level.COMPANY_LEADER).count() == 1
    assert Notification.objects.filter(recipient=company_staff.leader.user, subject_id=c.pk,
                                       subject_type__model="complaint").count() == 1
