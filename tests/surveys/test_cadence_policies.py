"""SPEC S-02 (issue 15.10): the survey cadences are policy rows — every half year, and within 3 months of a
new service's launch — and the code follows an edited row."""

from datetime import date, datetime, timedelta

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
    assert (routine.amount, routine.unit) == (6, "months")  # calendar months, not 182 days
    assert (window.amount, window.unit) == (3, "months")


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
    launch = date(2026, 2, 11)  # T0 is 2026-05-11: three months later to the day, still inside
    services.campaign_create(launch_date=launch, **args)
    with pytest.raises(DomainError) as err:
        services.campaign_create(launch_date=launch - timedelta(days=1), **args)
    assert err.value.code == "launch_date" and "3" in err.value.message
    DeadlinePolicy.objects.filter(code="survey.new_service").update(amount=30, unit="days")
    with pytest.raises(DomainError) as err:
        services.campaign_create(launch_date=date(2026, 4, 1), **args)
    assert "30" in err.value.message


# SPEC S-02: every 6 months in calendar months, across a month end: opened on Aug 31, due again on the last
# day of February (not 182 days later, Mar 1)
def test_routine_cadence_in_months_across_month_end(site_a, time_machine):
    opened = datetime(2026, 8, 31, 9, 0, tzinfo=T0.tzinfo)
    time_machine.move_to(opened, tick=False)
    draft = services.routine_campaigns_propose()[0]
    services.campaign_approve(campaign=draft, actor=site_a.users["site_director"], now=opened)
    services.campaign_open(campaign=draft, actor=site_a.users["cs_supervisor"], now=opened)
    services.campaign_close(campaign=draft, actor=site_a.users["cs_supervisor"], now=opened + timedelta(days=7))
    time_machine.move_to(datetime(2027, 2, 27, 23, 59, tzinfo=T0.tzinfo), tick=False)
    assert site_a.site not in [c.site for c in services.routine_campaigns_propose()]
    time_machine.move_to(datetime(2027, 2, 28, 0, 1, tzinfo=T0.tzinfo), tick=False)
    assert site_a.site in [c.site for c in services.routine_campaigns_propose()]


# SPEC S-02: a new-service survey within 3 calendar months of the launch: Aug 31 → through Nov 30
def test_new_service_window_in_months_across_month_end(site_a):
    q = services.questionnaire_create(name="问卷", site=site_a.site)
    args = {"site": site_a.site, "title": "t", "questionnaire": q, "sample_size": 5, "launch_date": date(2026, 8, 31),
            "actor": site_a.users["cs_supervisor"], "kind": Campaign.Kind.NEW_SERVICE}
    services.campaign_create(now=datetime(2026, 11, 30, 17, 0, tzinfo=T0.tzinfo), **args)
    with pytest.raises(DomainError) as err:
        services.campaign_create(now=datetime(2026, 12, 1, 9, 0, tzinfo=T0.tzinfo), **args)
    assert err.value.code == "launch_date"
