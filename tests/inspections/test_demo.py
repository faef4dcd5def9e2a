"""Issue 18 part 7: the demo data — a month of inspections with rectifications, a locked ranking,
appraisal parts, a maintenance plan with one overdue line; idempotent."""

import pytest
from django.utils import timezone

from estates.demo import seed as seed_estates
from inspections.demo import seed
from inspections.models import (
    AppraisalPart,
    AssessmentMonth,
    Inspection,
    MaintenanceOccurrence,
    MaintenancePlan,
    Rectification,
)

pytestmark = pytest.mark.django_db


def test_demo_seed(time_machine):
    from tests.inspections.conftest import at

    time_machine.move_to(at(2026, 12, 1, 8, 0), tick=False)
    seed_estates(now=timezone.now(), stdout=None)
    seed(now=timezone.now(), stdout=None)
    for code in ("SSTY", "LYXQ"):
        assert Inspection.objects.filter(site__code=code).count() > 40
        assert Rectification.objects.filter(site__code=code, status="verified").exists()
        assert Rectification.objects.filter(site__code=code, status="open").exists()
        month = AssessmentMonth.objects.get(site__code=code)
        assert month.locked_at is not None and month.scores.filter(rank=1).exists()
        assert AppraisalPart.objects.filter(appraisal__month=month, score__isnull=False).exists()
        assert MaintenancePlan.objects.filter(site__code=code, year=2026).exists()
        assert MaintenanceOccurrence.objects.filter(site__code=code, overdue=True).count() == 1
    counts = (Inspection.objects.count(), Rectification.objects.count(), MaintenanceOccurrence.objects.count())
    seed(now=timezone.now(), stdout=None)
    assert (Inspection.objects.count(), Rectification.objects.count(),
            MaintenanceOccurrence.objects.count()) == counts
