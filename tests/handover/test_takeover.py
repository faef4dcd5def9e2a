"""SPEC H-01: takeover acceptance: documents and reply, inspections against the item lists, the defect list
with the developer's deadline (policy handover.defect) and re-inspection, keys received into custody."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline, Notification
from handover import services as svc
from handover.models import Defect, HandoverEvent, Scope, Takeover
from keys.models import KeyDeposit
from tests.handover.conftest import PUBLIC, T0, UNIT, at, results

pytestmark = pytest.mark.django_db


# SPEC H-01: the item lists are data seeded from the SPEC / seed 004
def test_item_lists_seeded(db):
    texts = {s: [i.text for i in svc.items_of(s)] for s in Scope.values}
    assert "厨卫防水防渗" in texts["unit"] and "三表（水、电、气表）" in texts["unit"] and len(texts["unit"]) == 12
    assert "消防系统" in texts["public"] and "停车场系统" in texts["public"] and len(texts["public"]) == 8
    assert "消防验收合格证" in texts["document"] and "住宅质量保证书" in texts["document"]


# SPEC H-01: document checklist, then the reply letter; inspections only after the reply
def test_documents_and_reply(site_a):
    cs = site_a.users["cs_supervisor"]
    t = svc.takeover_register(site=site_a.site, developer="嘉华地产", notified_on=T0.date(), actor=cs, now=T0)
    assert t.number == "JG2026-001" and t.status == Takeover.Status.DOCUMENTS
    docs = list(t.documents.select_related("item"))
    assert len(docs) == len(svc.items_of(Scope.DOCUMENT))
    svc.takeover_documents_record(takeover=t, lines={d.item_id: {"received": True, "copies": 1} for d in docs[1:]},
                                  actor=cs, now=T0)
    assert [d.item.text for d in svc.missing_documents(t)] == [docs[0].item.text]
    with pytest.raises(DomainError) as err:  # no inspection before the reply
        svc.inspection_record(site=site_a.site, scope=PUBLIC, results=results(PUBLIC), actor=cs, takeover=t, now=T0)
    assert err.value.code == "bad_state"
    with pytest.raises(DomainError):
        svc.takeover_reply(takeover=t, text="  ", actor=cs, now=T0)
    t = svc.takeover_reply(takeover=t, text="尚缺产权资料，请于一周内补交。", actor=cs, now=T0)
    assert t.status == Takeover.Status.INSPECTING and t.replied_by == cs
    with pytest.raises(DomainError):
        svc.takeover_reply(takeover=t, text="again", actor=cs, now=T0)
    with pytest.raises(DomainError):  # the document check is closed
        svc.takeover_documents_record(takeover=t, lines={}, actor=cs, now=T0)
    ev = HandoverEvent.objects.get(takeover=t, kind="replied")
    assert ev.data["missing"] == [docs[0].item.text]


# SPEC H-01: who may register; the developer's notice not in the future
def test_takeover_refusals(site_a, site_b):
    with pytest.raises(DomainError):
        svc.takeover_register(site=site_a.site, developer="X", notified_on=T0.date(), actor=site_a.users["front_desk"],
                              now=T0)
    with pytest.raises(DomainError):  # another site's team
        svc.takeover_register(site=site_a.site, developer="X", notified_on=T0.date(),
                              actor=site_b.users["cs_supervisor"], now=T0)
    with pytest.raises(DomainError) as err:
        svc.takeover_register(site=site_a.site, developer="X", notified_on=T0.date() + timedelta(days=1),
                              actor=site_a.users["cs_supervisor"], now=T0)
    assert err.value.code == "notified_on"


# SPEC H-01: every item has a result; a failed item needs the problem and the agreed dates; it becomes a defect
def test_inspection_failed_item_becomes_defect(site_a, takeover_a):
    cs, unit = site_a.users["cs_supervisor"], site_a.units[0]
    partial = dict(list(results(UNIT).items())[:-1])
    with pytest.raises(DomainError) as err:
        svc.inspection_record(site=site_a.site, scope=UNIT, results=partial, actor=cs, takeover=takeover_a, unit=unit,
                              now=T0)
    assert err.value.code == "results" and "厨卫防水防渗" in err.value.message
    with pytest.raises(DomainError) as err:
        svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=1, note=""), actor=cs,
                              takeover=takeover_a, unit=unit, now=T0)
    assert err.value.code == "note"
    with pytest.raises(DomainError) as err:  # failed without the agreed dates
        svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=1), actor=cs,
                              takeover=takeover_a, unit=unit, now=T0)
    assert err.value.code == "due_at"
    with pytest.raises(DomainError) as err:  # re-inspection before the deadline
        svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=1), actor=cs,
                              takeover=takeover_a, unit=unit, due_at=T0 + timedelta(days=10),
                              reinspect_on=T0.date() + timedelta(days=5), now=T0)
    assert err.value.code == "reinspect_on"
    insp = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=1), actor=cs,
                                 takeover=takeover_a, unit=unit, due_at=at(2026, 12, 3, 18, 0),
                                 reinspect_on=at(2026, 12, 4).date(), now=T0)
    assert not insp.passed and insp.results.count() == 12
    d = Defect.objects.get(inspection=insp)
    assert d.number == "YL2026-0001" and d.unit == unit and d.takeover == takeover_a
    assert d.location == f"{unit.code} 墙面" and d.description == "墙面开裂"
    assert deadline_running(d, "handover.defect").due_at == at(2026, 12, 3, 18, 0)
    # a failed unit has no keys received
    with pytest.raises(DomainError) as err:
        svc.takeover_keys_receive(inspection=insp, key_description="k", key_count=1, actor=cs, now=T0)
    assert err.value.code == "not_passed"
    # the public facilities pass as a whole
    pub = svc.inspection_record(site=site_a.site, scope=PUBLIC, results=results(PUBLIC), actor=cs,
                                takeover=takeover_a, building=site_a.building, now=T0)
    assert pub.passed and pub.results.count() == 8


# SPEC H-01, K-01: a unit that passes has its keys received into custody (developer handover)
def test_passed_unit_keys_received(site_a, takeover_a):
    cs = site_a.users["cs_supervisor"]
    insp = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT), actor=cs, takeover=takeover_a,
                                 unit=site_a.units[1], now=T0)
    dep = svc.takeover_keys_receive(inspection=insp, key_description="入户门钥匙", key_count=2, actor=cs, now=T0)
    assert dep.reason == KeyDeposit.Reason.DEVELOPER_HANDOVER and dep.status == KeyDeposit.Status.REQUESTED
    assert dep.unit == site_a.units[1] and dep.depositor_name == "嘉华地产"
    with pytest.raises(DomainError) as err:
        svc.takeover_keys_receive(inspection=insp, key_description="k", key_count=1, actor=cs, now=T0)
    assert err.value.code == "keys_held"
    # accepted by the head, not by the CS supervisor
    with pytest.raises(DomainError):
        svc.takeover_accept(takeover=takeover_a, actor=cs, now=T0)
    t = svc.takeover_accept(takeover=takeover_a, actor=site_a.users["center_head"], now=T0)
    assert t.status == Takeover.Status.ACCEPTED


def _defect(site_a, takeover_a, due=None):
    insp = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=11, note="卫生间渗水"),
                                 actor=site_a.users["cs_supervisor"], takeover=takeover_a, unit=site_a.units[0],
                                 due_at=due or at(2026, 11, 30, 18, 0),
                                 reinspect_on=((due or at(2026, 11, 30)) + timedelta(days=1)).date(), now=T0)
    return Defect.objects.get(inspection=insp)


# SPEC H-01, §15 handover.defect: the developer's deadline breaches once with a frozen clock
def test_defect_deadline_breaches_once(site_a, takeover_a, time_machine):
    time_machine.move_to(T0, tick=False)
    d = _defect(site_a, takeover_a)
    time_machine.move_to(at(2026, 11, 30, 17, 59), tick=False)
    deadline_breach_due()
    assert Deadline.objects.get(subject_id=d.pk, code="handover.defect").state == Deadline.State.RUNNING
    time_machine.move_to(at(2026, 11, 30, 18, 1), tick=False)
    deadline_breach_due()
    deadline_breach_due()  # the sweep twice: once only
    dl = Deadline.objects.get(subject_id=d.pk, code="handover.defect")
    assert dl.state == Deadline.State.BREACHED
    assert HandoverEvent.objects.filter(defect=d, kind="overdue").count() == 1
    notified = set(Notification.objects.filter(deadline=dl).values_list("recipient_id", flat=True))
    assert site_a.users["cs_supervisor"].pk in notified and site_a.users["center_head"].pk in notified
    assert len(notified) == Notification.objects.filter(deadline=dl).count()


# SPEC H-01, T-16: a defect closes only after the developer's rectification and a re-inspection
def test_defect_closes_only_after_reinspection(site_a, takeover_a, time_machine):
    time_machine.move_to(T0, tick=False)
    cs, desk = site_a.users["cs_supervisor"], site_a.users["front_desk"]
    d = _defect(site_a, takeover_a)
    with pytest.raises(DomainError) as err:  # closing straight away is refused
        svc.defect_reinspect(defect=d, passed=True, note="看过了", actor=cs, now=T0)
    assert err.value.code == "not_rectified"
    d = svc.defect_rectified(defect=d, note="开发商已返修", actor=desk, now=at(2026, 11, 27, 10, 0))
    assert d.status == Defect.Status.RECTIFIED
    assert Deadline.objects.get(subject_id=d.pk, code="handover.defect").state == Deadline.State.MET
    with pytest.raises(DomainError):  # the desk does not re-inspect
        svc.defect_reinspect(defect=d, passed=True, note="好了", actor=desk, now=at(2026, 12, 1, 10, 0))
    with pytest.raises(DomainError) as err:  # failed without a new agreed date
        svc.defect_reinspect(defect=d, passed=False, note="仍渗水", actor=cs, now=at(2026, 12, 1, 10, 0))
    assert err.value.code == "due_at"
    d = svc.defect_reinspect(defect=d, passed=False, note="仍渗水", actor=cs, new_due_at=at(2026, 12, 8, 18, 0),
                             new_reinspect_on=at(2026, 12, 9).date(), now=at(2026, 12, 1, 10, 0))
    assert d.status == Defect.Status.OPEN and d.closed_at is None
    assert deadline_running(d, "handover.defect").due_at == at(2026, 12, 8, 18, 0)
    d = svc.defect_rectified(defect=d, actor=desk, now=at(2026, 12, 7, 10, 0))
    d = svc.defect_reinspect(defect=d, passed=True, note="已无渗水", actor=cs, now=at(2026, 12, 9, 10, 0))
    assert d.status == Defect.Status.CLOSED and d.closed_by == cs and d.closed_at == at(2026, 12, 9, 10, 0)
    assert list(HandoverEvent.objects.filter(defect=d).values_list("kind", flat=True)) == [
        "listed", "rectified", "reinspection_failed", "rectified", "closed"]
    # the model refuses a direct close from open (protected FSM)
    d2 = _defect(site_a, takeover_a, due=at(2026, 12, 10, 18, 0))
    from django_fsm import TransitionNotAllowed
    with pytest.raises(TransitionNotAllowed):
        d2.close(at=T0, by=cs)


# SPEC H-01: the defect list for the developer as PDF and spreadsheet; pages are site-scoped
def test_defect_list_exports_and_isolation(client, site_a, site_b, takeover_a):
    d = _defect(site_a, takeover_a)
    client.force_login(site_a.users["cs_supervisor"])
    resp = client.get(reverse("handover:defect_export", args=["xlsx"]) + "?state=open")
    ws = load_workbook(BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "编号" or rows[0][0] == "Number"
    assert rows[1][0] == d.number and rows[1][2] == "卫生间渗水"
    resp = client.get(reverse("handover:defect_export", args=["pdf"]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    assert client.get(reverse("handover:takeover", args=[takeover_a.pk])).status_code == 200
    assert client.get(reverse("handover:defect", args=[d.pk])).status_code == 200
    assert client.get(reverse("handover:takeover_reply_pdf", args=[takeover_a.pk])).content.startswith(b"%PDF")
    client.force_login(site_b.users["cs_supervisor"])
    assert client.get(reverse("handover:takeover", args=[takeover_a.pk])).status_code == 404
    assert client.get(reverse("handover:defect", args=[d.pk])).status_code == 404
    resp = client.get(reverse("handover:defect_export", args=["xlsx"]))
    assert len(list(load_workbook(BytesIO(resp.content)).active.iter_rows())) == 1  # headers only


# SPEC H-01 / X-03: a close without re-inspection through the page is refused with the message
def test_reinspect_view_refuses_unrectified(client, site_a, takeover_a):
    d = _defect(site_a, takeover_a)
    client.force_login(site_a.users["cs_supervisor"])
    resp = client.post(reverse("handover:defect_reinspect", args=[d.pk]), {"passed": "1", "note": "好了"})
    assert resp.status_code == 400
    assert "re-inspection" in resp.content.decode() or "复验" in resp.content.decode()
    assert Defect.objects.get(pk=d.pk).status == Defect.Status.OPEN


# SPEC H-01, K-01, issue 14.1: the key receipt is a declared step of the inspection (handover/actions.py):
# offered on the takeover page for a passed unit to the acceptance team only, run by the generic view
def test_keys_received_from_the_takeover_page(client, site_a, takeover_a):
    cs = site_a.users["cs_supervisor"]
    passed = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT), actor=cs,
                                   takeover=takeover_a, unit=site_a.units[1], now=T0)
    failed = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=0), actor=cs,
                                   takeover=takeover_a, unit=site_a.units[2], due_at=at(2026, 12, 3, 18, 0),
                                   reinspect_on=at(2026, 12, 4).date(), now=T0)
    url = {i: reverse("handover:keys_receive", args=[i.pk]) for i in (passed, failed)}

    def offered(user):
        client.force_login(user)
        html = client.get(takeover_a.get_absolute_url()).content.decode()
        return {i for i, u in url.items() if f'action="{u}"' in html}

    assert offered(cs) == {passed}
    assert offered(site_a.users["front_desk"]) == set()
    client.force_login(site_a.users["front_desk"])  # not of the acceptance team: refused, nothing registered
    assert client.post(url[passed], {"key_description": "入户门钥匙", "key_count": 2}).status_code == 400
    assert not KeyDeposit.objects.filter(unit=site_a.units[1]).exists()
    client.force_login(cs)
    resp = client.post(url[passed], {"key_description": "入户门钥匙", "key_count": 0})  # the number is checked
    assert resp.status_code == 400 and not KeyDeposit.objects.exists()
    resp = client.post(url[passed], {"key_description": "入户门钥匙", "key_count": 2})
    assert resp.status_code == 302 and resp.url == takeover_a.get_absolute_url()
    assert KeyDeposit.objects.get(unit=site_a.units[1]).reason == KeyDeposit.Reason.DEVELOPER_HANDOVER
    resp = client.post(url[passed], {"key_description": "入户门钥匙", "key_count": 2})  # held already
    assert resp.status_code == 400 and KeyDeposit.objects.filter(unit=site_a.units[1]).count() == 1
    assert client.post(url[failed], {"key_description": "入户门钥匙", "key_count": 2}).status_code == 400
