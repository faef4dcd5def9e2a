"""SPEC S-01 questionnaire versioning, S-02 campaign kinds and routine proposals."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import DomainError
from surveys import services
from surveys.models import Campaign, Questionnaire
from surveys.tasks import propose_routine_campaigns_task
from tests.surveys.conftest import T0, make_campaign

pytestmark = pytest.mark.django_db


# SPEC S-01: default items, the 5-level scale, editing a questionnaire in use makes a new version
def test_questionnaire_used_by_a_campaign_is_frozen_and_edits_make_a_new_version(site_a):
    q = services.questionnaire_create(name="问卷", site=site_a.site)
    assert [i.code for i in q.items.all()] == ["customer_service", "engineering", "security", "cleaning",
                                               "greening", "fees", "communication"]
    same = services.questionnaire_edit(questionnaire=q, name="问卷A", items=[("cleaning", "保洁"), ("fees", "收费")])
    assert same.pk == q.pk and q.items.count() == 2 and not same.frozen
    campaign = make_campaign(site_a, sample_size=1, questionnaire=q)
    q.refresh_from_db()
    assert q.frozen
    v2 = services.questionnaire_edit(questionnaire=q, name="问卷A", items=[("cleaning", "保洁服务"),
                                                                          ("parking", "停车管理")],
                                     actor=site_a.users["cs_supervisor"])
    assert v2.pk != q.pk and v2.version == 2 and v2.previous == q and not v2.frozen
    assert [i.label for i in q.items.all()] == ["保洁", "收费"]  # the used version is unchanged
    assert campaign.questionnaire_id == q.pk
    make_campaign(site_a, sample_size=1, questionnaire=v2, title="第二次")
    v3 = services.questionnaire_edit(questionnaire=q, name="问卷A", items=[("cleaning", "保洁")])
    assert v3.version == 3  # numbered after the newest of the family
    with pytest.raises(DomainError):
        services.questionnaire_edit(questionnaire=v3, name="x", items=[("a", "1"), ("a", "2")])
    with pytest.raises(DomainError):
        services.questionnaire_edit(questionnaire=v3, name="x", items=[],
                                    actor=site_a.users["front_desk"])


# SPEC S-02: new-service campaigns within 3 months of the launch; ad hoc after an incident
def test_campaign_kinds(site_a):
    q = services.questionnaire_create(name="问卷", site=site_a.site)
    args = {"site": site_a.site, "title": "t", "questionnaire": q, "sample_size": 5,
            "actor": site_a.users["cs_supervisor"], "now": T0}
    with pytest.raises(DomainError):
        services.campaign_create(kind=Campaign.Kind.NEW_SERVICE, **args)
    with pytest.raises(DomainError):
        services.campaign_create(kind=Campaign.Kind.NEW_SERVICE, launch_date=date(2026, 1, 10), **args)
    ok = services.campaign_create(kind=Campaign.Kind.NEW_SERVICE, launch_date=date(2026, 3, 1), **args)
    assert ok.status == Campaign.Status.DRAFT
    with pytest.raises(DomainError):
        services.campaign_create(kind=Campaign.Kind.AD_HOC, **args)
    services.campaign_create(kind=Campaign.Kind.AD_HOC, incident="6月停水事件", **args)
    with pytest.raises(DomainError):  # a plan is needed
        services.campaign_create(kind=Campaign.Kind.ROUTINE, **{**args, "sample_size": None})
    with pytest.raises(DomainError):  # only organisers
        services.campaign_create(kind=Campaign.Kind.ROUTINE, **{**args, "actor": site_a.users["front_desk"]})


# SPEC S-02: the beat proposes a routine campaign when the last one is ≥ 6 months old
def test_routine_campaign_proposed_every_half_year(site_a, site_b, time_machine):
    time_machine.move_to(T0, tick=False)
    assert propose_routine_campaigns_task() == 2  # no routine campaign yet at either site
    assert propose_routine_campaigns_task() == 0  # a draft exists: nothing more
    draft = Campaign.objects.get(site=site_a.site)
    assert draft.kind == Campaign.Kind.ROUTINE and draft.sample_share == Decimal("20")
    services.campaign_approve(campaign=draft, actor=site_a.users["site_director"], now=T0)
    services.campaign_open(campaign=draft, actor=site_a.users["cs_supervisor"], now=T0)
    services.campaign_close(campaign=draft, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=7))
    Campaign.objects.filter(site=site_b.site).update(status="cancelled")
    time_machine.move_to(T0 + timedelta(days=150), tick=False)
    assert [c.site for c in services.routine_campaigns_propose()] == [site_b.site]
    time_machine.move_to(T0 + timedelta(days=185), tick=False)
    assert [c.site for c in services.routine_campaigns_propose()] == [site_a.site]
    assert Questionnaire.objects.count() == 1  # the default questionnaire is reused


# SPEC S-01: a site organiser editing the company-wide questionnaire gets a version of the site's own
def test_site_edit_of_company_questionnaire_forks_for_the_site(site_a, company_staff):
    company_q = services.questionnaire_create(name="公司问卷")
    mine = services.questionnaire_edit(questionnaire=company_q, name="A小区问卷", items=[("cleaning", "保洁")],
                                       actor=site_a.users["cs_supervisor"])
    assert mine.pk != company_q.pk and mine.site == site_a.site and mine.previous == company_q
    company_q.refresh_from_db()
    assert company_q.items.count() == 7 and company_q.site is None
    same = services.questionnaire_edit(questionnaire=company_q, name="公司问卷", items=[("fees", "收费")],
                                       actor=company_staff.leader.user)
    assert same.pk == company_q.pk  # not frozen, edited by the company: in place
