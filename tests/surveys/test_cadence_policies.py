"""SPEC S-02 (issue 15.10): the survey cadences are policy rows — every half year, and within 3 months of a
new service's launch — and the code follows an edited row."""

from datetime import date, timedelta

import pytest

from core.errors import DomainError
from core.models import DeadlinePolicy
from surveys import services
from surveys.models import Campaign
from tests.surveys.conftest import T0

pytestmark = pytest.mark.django_db


# SPEC S-02: both cadences are in the policy table, editable per site
def test_cadences_are_policy_rows():
    routine = DeadlinePolicy.objects.get(code="survey.routine", site__isnull=True)
    window = DeadlinePolicy.objects.get(code="survey.new_service", site__isnull=True)
    assert (routine.amount, routine.unit) == (182, "days")
    assert (window.amount, window.unit) == (91, "days")


# SPEC S-02: the routine proposal follows the site's edited cadence
def test_routine_proposal_follows_the_policy(site_a, time_machine):
    time_machine.move_to(T0, tick=False)
    services.routine_campaigns_propose()
    draft = Campaign.objects.get(site=site_a.site)
    services.campaign_approve(campaign=draft, actor=site_a.users["site_director"], now=T0)
    services.campaign_open(campaign=draft, actor=site_a.users["cs_supervisor"], now=T0)
    services.campaign_close(campaign=draft, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=7))
    time_machine.move_to(T0 + timedelta(days=100), tick=False)
    assert site_a.site not in [c.site for c in services.routine_campaigns_propose()]
    # the site makes it quarterly: now due
    DeadlinePolicy.objects.create(code="survey.routine", site=site_a.site, name="每季度", amount=90, unit="days",
                                  action="notify")
    assert site_a.site in [c.site for c in services.routine_campaigns_propose()]


# SPEC S-02: the new-service window is the policy's, and the message quotes it
def test_new_service_window_follows_the_policy(site_a):
    q = services.questionnaire_create(name="问卷", site=site_a.site)
    args = {"site": site_a.site, "title": "t", "questionnaire": q, "sample_size": 5,
            "actor": site_a.users["cs_supervisor"], "now": T0, "kind": Campaign.Kind.NEW_SERVICE}
    launch = T0.date() - timedelta(days=91)
    services.campaign_create(launch_date=launch, **args)  # the 91st day is still inside
    with pytest.raises(DomainError) as err:
        services.campaign_create(launch_date=launch - timedelta(days=1), **args)
    assert err.value.code == "launch_date" and "91" in err.value.message
    DeadlinePolicy.objects.filter(code="survey.new_service").update(amount=30)
    with pytest.raises(DomainError) as err:
        services.campaign_create(launch_date=date(2026, 4, 1), **args)
    assert "30" in err.value.message
