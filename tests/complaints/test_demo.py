"""Demo complaints show the issue-15 concepts: emergency decisions, cause/action/reply, month records."""

import pytest
from django.utils import timezone

from complaints import demo
from complaints.models import ChainDecision, Complaint, MonthlyAnalysis, ResponsibilityReview
from estates import demo as estates_demo

pytestmark = pytest.mark.django_db


# SPEC C-05 C-10 C-13 C-16
def test_demo_seeds_decisions_closed_with_reply_and_month_records():
    now = timezone.now()
    estates_demo.seed(now=now)
    demo.seed(now=now)
    demo.seed(now=now)  # idempotent
    decisions = set(ChainDecision.objects.values_list("decision", flat=True))
    assert {"resolvable", "automatic"} <= decisions
    closed = Complaint.objects.filter(status=Complaint.Status.CLOSED, kind=Complaint.Kind.COMPLAINT)
    assert closed.exists() and all(c.cause_recorded and c.reply_recorded for c in closed)
    assert MonthlyAnalysis.objects.filter(status=MonthlyAnalysis.Status.APPROVED, site__code="SSTY").count() == 1
    assert MonthlyAnalysis.objects.filter(status=MonthlyAnalysis.Status.SUBMITTED, site__code="LYXQ").count() == 1
    assert ResponsibilityReview.objects.count() == 2
    assert Complaint.objects.filter(number__startswith="TS-").count() == Complaint.objects.count()
