"""SPEC C-15: suggestions recorded like complaints without a deadline; the site director decides within
5 working days (policy suggestion.decision); adopted → tracked rectification, notice, resident told."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline, Notification
from suggestions import services as svc
from suggestions.models import Suggestion, SuggestionEvent

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=TZ)  # Monday


def _record(ns, now=T0):
    return svc.suggestion_record(site=ns.site, subject="增设快递柜", content="建议在3号楼大堂增设快递柜。",
                                 resident=ns.residents[0], actor=ns.users["front_desk"], now=now)


# SPEC C-15: no handling deadline, only the director's decision in 5 working days
def test_recorded_with_decision_clock(site_a):
    s = _record(site_a)
    assert s.number == "JY2026-0001" and s.status == Suggestion.Status.PENDING
    assert s.name == site_a.residents[0].name and s.unit == site_a.units[0]
    running = list(Deadline.objects.filter(subject_id=s.pk, state=Deadline.State.RUNNING)
                   .values_list("code", flat=True))
    assert running == ["suggestion.decision"]
    # 5 working days from Monday 10:00 → the end of the next Monday's office hours
    assert deadline_running(s, "suggestion.decision").due_at == datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
    assert Notification.objects.filter(recipient=site_a.users["site_director"], subject_id=s.pk).exists()
    with pytest.raises(DomainError):
        svc.suggestion_record(site=site_a.site, subject=" ", content="x", actor=site_a.users["front_desk"], now=T0)


# SPEC C-15: only the site director (of this site) decides
def test_only_the_director_decides(site_a, site_b, company_staff):
    s = _record(site_a)
    for user in (site_a.users["center_head"], site_a.users["cs_supervisor"], site_b.users["site_director"],
                 company_staff.leader.user):
        with pytest.raises(DomainError) as err:
            svc.suggestion_decide(suggestion=s, adopt=False, reason="暂不具备条件", actor=user, now=T0)
        assert err.value.code == "not_allowed"
    director = site_a.users["site_director"]
    with pytest.raises(DomainError) as err:
        svc.suggestion_decide(suggestion=s, adopt=False, reason=" ", actor=director, now=T0)
    assert err.value.code == "reason"
    s = svc.suggestion_decide(suggestion=s, adopt=False, reason="大堂空间不足", actor=director, now=T0)
    assert s.status == Suggestion.Status.NOT_ADOPTED and s.decided_by == director
    assert deadline_running(s, "suggestion.decision") is None
    with pytest.raises(DomainError):  # decided once
        svc.suggestion_decide(suggestion=s, adopt=True, reason="x", actor=director, now=T0)


# SPEC C-15: adopted → rectification (what, who, by when) tracked to done; notice; resident told
def test_adopted_rectification_notice_and_resident(client, site_a, site_b):
    s = _record(site_a)
    director, owner = site_a.users["site_director"], site_a.staff["zone_manager"]
    with pytest.raises(DomainError) as err:
        svc.suggestion_decide(suggestion=s, adopt=True, reason="可行", actor=director, now=T0)
    assert err.value.code == "action"
    with pytest.raises(DomainError) as err:
        svc.suggestion_decide(suggestion=s, adopt=True, reason="可行", action="安装快递柜",
                              owner=site_b.staff["zone_manager"],
                              due_date=date(2026, 12, 20), actor=director, now=T0)
    assert err.value.code == "owner"
    with pytest.raises(DomainError) as err:
        svc.suggestion_decide(suggestion=s, adopt=True, reason="可行", action="安装快递柜", owner=owner,
                              due_date=date(2026, 11, 1), actor=director, now=T0)
    assert err.value.code == "due_date"
    with pytest.raises(DomainError):  # not told before the decision
        svc.suggestion_tell_resident(suggestion=s, how="电话", actor=site_a.users["front_desk"], now=T0)
    s = svc.suggestion_decide(suggestion=s, adopt=True, reason="可行", action="安装快递柜", owner=owner,
                              due_date=date(2026, 12, 20), actor=director, now=T0)
    assert s.status == Suggestion.Status.ADOPTED
    assert Notification.objects.filter(recipient=owner.user, subject_id=s.pk).exists()
    with pytest.raises(DomainError):  # the desk is not responsible
        svc.suggestion_complete(suggestion=s, note="已安装", actor=site_a.users["front_desk"], now=T0)
    s = svc.suggestion_complete(suggestion=s, note="快递柜已安装", actor=owner.user, now=T0)
    assert s.status == Suggestion.Status.DONE
    s = svc.suggestion_tell_resident(suggestion=s, how="电话告知", actor=site_a.users["front_desk"], now=T0)
    assert s.told_how == "电话告知"
    assert list(s.events.values_list("kind", flat=True)) == ["recorded", "adopted", "done", "told"]
    client.force_login(site_a.users["front_desk"])
    resp = client.get(reverse("suggestions:notice", args=[s.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    assert client.get(reverse("suggestions:detail", args=[s.pk])).status_code == 200
    client.force_login(site_b.users["front_desk"])
    assert client.get(reverse("suggestions:detail", args=[s.pk])).status_code == 404
    assert client.get(reverse("suggestions:notice", args=[s.pk])).status_code == 404


# SPEC C-15, §15: not decided in 5 working days → the director is notified once (frozen clock)
def test_decision_overdue_once(site_a, time_machine):
    time_machine.move_to(T0, tick=False)
    s = _record(site_a)
    time_machine.move_to(datetime(2026, 11, 30, 17, 59, tzinfo=TZ), tick=False)
    deadline_breach_due()
    assert not SuggestionEvent.objects.filter(suggestion=s, kind="decision_overdue").exists()
    time_machine.move_to(datetime(2026, 11, 30, 18, 1, tzinfo=TZ), tick=False)
    deadline_breach_due()
    deadline_breach_due()
    assert SuggestionEvent.objects.filter(suggestion=s, kind="decision_overdue").count() == 1
    # issue 14.6: the note states the policy's current amount, not a number written in the code
    assert SuggestionEvent.objects.get(suggestion=s, kind="decision_overdue").note == "未在5 个工作日内作出决定。"
    dl = Deadline.objects.get(subject_id=s.pk, code="suggestion.decision")
    assert dl.state == Deadline.State.BREACHED
    assert list(Notification.objects.filter(deadline=dl).values_list("recipient_id", flat=True)) == [
        site_a.users["site_director"].pk]


# SPEC C-15, X-03: a decision by someone else through the page is refused with the message
def test_decide_view_refuses_non_director(client, site_a):
    s = _record(site_a)
    client.force_login(site_a.users["center_head"])
    resp = client.post(reverse("suggestions:step", args=[s.pk, "decide"]), {"adopt": "0", "reason": "不行"})
    assert resp.status_code == 400
    assert Suggestion.objects.get(pk=s.pk).status == Suggestion.Status.PENDING
    client.force_login(site_a.users["site_director"])
    resp = client.post(reverse("suggestions:step", args=[s.pk, "decide"]), {"adopt": "0", "reason": "不行"})
    assert resp.status_code == 302


# SPEC C-15, issue 14.1: the page offers each declared step (suggestions/actions.py) to whom its predicate
# allows: the director decides a pending suggestion; then the responsible person finishes and the desk tells
def test_steps_offered_by_their_predicate(client, site_a):
    s = _record(site_a)
    url = {key: reverse("suggestions:step", args=[s.pk, key]) for key in ("decide", "done", "tell")}

    def offered(user):
        client.force_login(user)
        html = client.get(s.get_absolute_url()).content.decode()
        return {key for key, u in url.items() if f'action="{u}"' in html}

    assert offered(site_a.users["site_director"]) == {"decide"}
    assert offered(site_a.users["center_head"]) == set() and offered(site_a.users["front_desk"]) == set()
    owner = site_a.staff["dept_staff"]
    client.force_login(site_a.users["site_director"])
    resp = client.post(url["decide"], {"adopt": "1", "reason": "可行", "action": "安装快递柜", "owner": owner.pk,
                                       "due_date": "2099-12-20"})
    assert resp.status_code == 302 and Suggestion.objects.get(pk=s.pk).status == Suggestion.Status.ADOPTED
    assert offered(owner.user) == {"done", "tell"}
    assert offered(site_a.users["front_desk"]) == {"tell"}
    assert offered(site_a.users["site_director"]) == {"done", "tell"}
