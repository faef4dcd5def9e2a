"""SPEC T-18 in the demo: the heads find extensions waiting in their own login, some already approved by them;
paid-service charges are checked by an engineering supervisor."""

import pytest

from core.models import ApprovalRequest
from tickets.models import Material, WorkOrder

pytestmark = pytest.mark.django_db


def test_demo_has_waiting_and_approved_extensions(demo_db):
    # demo_db: seed_demo (tickets.demo among the others), the demo estates at a tenth of their size
    ext = ApprovalRequest.objects.filter(kind="ticket.extension")
    assert ext.filter(status="pending").exists() and ext.filter(status="approved").exists()
    assert all(r.decided_by.groups.filter(name="center_head").exists() for r in ext.filter(status="approved"))
    checked = WorkOrder.objects.filter(charges_checked_by__isnull=False)
    assert all(o.charges_checked_by.staff.department.kind == "engineering" for o in checked)
    # SPEC X-01: some reworked orders were completed again; the first entry's rows stay, voided
    assert Material.all_objects.filter(voided_at__isnull=False, order__status="completed").exists()
