"""Issue 19.8: the demo data of handover, suggestions, emergencies and meetings loads on the demo sites, twice."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_issue19_demo_loads_idempotently():
    from emergencies import demo as em_demo
    from emergencies.models import EmergencyEvent, SupplyItem
    from estates import demo as estates_demo
    from handover import demo as ho_demo
    from handover.models import Defect, MoveIn, Takeover
    from keys import demo as keys_demo
    from meetings import demo as mt_demo
    from meetings.models import Booking
    from suggestions import demo as sg_demo
    from suggestions.models import Suggestion

    now = timezone.now()
    estates_demo.seed(now=now)
    keys_demo.seed(now=now)
    for _round in range(2):
        for demo in (ho_demo, sg_demo, em_demo, mt_demo):
            demo.seed(now=now)
    assert Takeover.objects.count() == 2 and Defect.objects.count() == 6
    # per site: one move-in past identity and fees, one just opened
    assert MoveIn.objects.filter(step=MoveIn.Step.DOCUMENTS).count() == 2
    assert MoveIn.objects.filter(step=MoveIn.Step.IDENTITY).count() == 2
    assert Suggestion.objects.count() == 6 and EmergencyEvent.objects.count() == 2
    assert SupplyItem.objects.count() == 10 and Booking.objects.count() == 3
