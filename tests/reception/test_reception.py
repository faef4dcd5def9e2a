"""SPEC RC-01 (visitor and call log), RC-02 (shift work log with handover)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Notification
from reception.models import HandoverItem, ReceptionEntry
from reception.services import (
    handover_acknowledge,
    reception_entry_register,
    reception_entry_reply,
    work_log_create,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*a):
    return datetime(*a, tzinfo=TZ)


def _entry(ns, **kw):
    data = {"site": ns.site, "actor": ns.users["front_desk"], "channel": "call", "person_name": "王先生",
            "purpose": "consultation", "content": "物业费能否用微信支付？", "unit": ns.units[0],
            "now": at(2026, 11, 2, 10, 0)}
    data.update(kw)
    return reception_entry_register(**data)


# SPEC RC-01: time, person, unit, purpose, answer given
def test_entry_answered_on_the_spot(site_a):
    e = _entry(site_a, answer="可以，前台扫码")
    assert (e.status, e.at, e.unit, e.purpose) == ("answered", at(2026, 11, 2, 10, 0), site_a.units[0], "consultation")
    assert deadline_running(e, "reception.promised_reply") is None


# SPEC RC-01: a consultation answered later gets a promised reply time, tracked by a clock
def test_promised_reply_tracked(site_a):
    with pytest.raises(DomainError) as err:
        _entry(site_a)
    assert err.value.code == "answer_or_promise"
    e = _entry(site_a, promised_reply_at=at(2026, 11, 3, 17, 0))
    assert e.status == ReceptionEntry.Status.AWAITING_REPLY
    assert deadline_running(e, "reception.promised_reply").due_at == at(2026, 11, 3, 17, 0)
    deadline_breach_due(now=at(2026, 11, 3, 17, 1))
    assert Notification.objects.filter(recipient=site_a.users["cs_supervisor"], subject_id=e.pk).exists()
    reception_entry_reply(entry=e, actor=site_a.users["front_desk"], reply="已回复：可以", now=at(2026, 11, 3, 18, 0))
    e = ReceptionEntry.objects.get(pk=e.pk)
    assert (e.status, e.replied_at) == ("replied", at(2026, 11, 3, 18, 0))
    with pytest.raises(DomainError):
        reception_entry_reply(entry=e, actor=site_a.users["front_desk"], reply="again")


# SPEC RC-01: the unit must belong to the site; other sites cannot register here
def test_entry_site_rules(site_a, site_b):
    with pytest.raises(DomainError):
        _entry(site_a, unit=site_b.units[0], answer="x")
    with pytest.raises(DomainError):
        _entry(site_a, actor=site_b.users["front_desk"], answer="x")


# SPEC RC-02: handover items for the next shift or security, acknowledged by them (not the author)
def test_work_log_handover(site_a):
    log = work_log_create(site=site_a.site, actor=site_a.users["front_desk"], shift="day", content="接待来访12人",
                          handovers=[("3-2-1501 钥匙待业主取回", "next_shift"),
                                     ("今晚装修垃圾清运车22点进场", "security"), ("  ", "next_shift")],
                          now=at(2026, 11, 2, 17, 30))
    items = {i.target: i for i in log.handovers.all()}
    assert set(items) == {"next_shift", "security"}
    assert Notification.objects.filter(recipient=site_a.users["security_officer"], subject_id=log.pk).exists()
    with pytest.raises(DomainError):
        handover_acknowledge(item=items["next_shift"], actor=site_a.users["front_desk"])  # the author
    with pytest.raises(DomainError):
        handover_acknowledge(item=items["security"], actor=site_a.users["zone_staff"])  # not security
    handover_acknowledge(item=items["security"], actor=site_a.users["security_officer"], note="已知悉")
    handover_acknowledge(item=items["next_shift"], actor=site_a.users["cs_supervisor"])
    assert set(HandoverItem.objects.values_list("status", flat=True)) == {"acknowledged"}
    with pytest.raises(DomainError):
        handover_acknowledge(item=items["security"], actor=site_a.users["security_supervisor"])


# SPEC RC-01/RC-02 + X-02: lists are paginated and site-isolated; another site's record is 404
def test_views_and_isolation(client, site_a, site_b):
    e = _entry(site_a, answer="ok")
    log = work_log_create(site=site_a.site, actor=site_a.users["front_desk"], shift="day", content="x",
                          handovers=[("y", "next_shift")])
    item = log.handovers.get()
    client.force_login(site_b.users["front_desk"])
    assert client.get(reverse("reception:entry_detail", args=[e.pk])).status_code == 404
    assert client.get(reverse("reception:worklog_detail", args=[log.pk])).status_code == 404
    assert client.post(reverse("reception:handover_ack", args=[item.pk])).status_code == 404
    assert f'data-testid="entry-{e.pk}"' not in client.get(reverse("reception:entry_list")).content.decode()
    client.force_login(site_a.users["front_desk"])
    r = client.post(reverse("reception:entry_create"), {"channel": "visit", "person_name": "李女士",
                                                        "purpose": "request", "content": "门禁卡坏了"})
    assert r.status_code == 422 and "门禁卡坏了" in r.content.decode()
    r = client.post(reverse("reception:entry_create"), {"channel": "visit", "person_name": "李女士",
                                                        "unit": site_a.units[1].pk, "purpose": "request",
                                                        "content": "门禁卡坏了", "answer": "已补办"})
    assert r.status_code == 302
    for name in ("reception:entry_list", "reception:worklog_list", "reception:worklog_create"):
        assert client.get(reverse(name)).status_code == 200
    r = client.get(reverse("reception:entry_list"))
    assert len(re.findall(r'data-testid="entry-\d+"', r.content.decode())) == 2
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post(reverse("reception:handover_ack", args=[item.pk]))
    assert r.status_code == 302 and HandoverItem.objects.get(pk=item.pk).status == "acknowledged"


# issue 14.1: the reply and the acknowledgement are declared steps run by the generic view at the same URLs;
# a refusal comes back on the page next to its form, what was typed kept
def test_reply_and_acknowledge_through_the_pages(client, site_a):
    e = _entry(site_a, promised_reply_at=at(2026, 11, 3, 17, 0))
    url = reverse("reception:entry_detail", args=[e.pk])
    client.force_login(site_a.users["security_officer"])  # reads the log, does not register visitors
    assert client.get(url).context["form"] is None
    assert client.post(url, {"reply": "已回复"}).status_code == 422
    client.force_login(site_a.users["front_desk"])
    r = client.post(url, {"reply": "  "})
    assert r.status_code == 422 and "reply" in r.context["form"].errors
    assert client.post(url, {"reply": "已回复：可以"})["Location"] == url
    assert ReceptionEntry.objects.get(pk=e.pk).status == "replied"
    assert client.get(url).context["form"] is None

    log = work_log_create(site=site_a.site, actor=site_a.users["front_desk"], shift="day", content="x",
                          handovers=[("y", "next_shift")])
    item = log.handovers.get()
    ack = reverse("reception:handover_ack", args=[item.pk])
    assert f'data-testid="ack-{item.pk}"' not in client.get(log.get_absolute_url()).content.decode()  # the author
    r = client.post(ack, {"note": "收到"})
    assert r.status_code == 422 and r.context["items"][0].forms["ack"]["note"].value() == "收到"
    assert HandoverItem.objects.get(pk=item.pk).status == "open"
    client.force_login(site_a.users["zone_staff"])
    assert f'data-testid="ack-{item.pk}"' in client.get(reverse("reception:worklog_list")).content.decode()
    r = client.post(ack, {"note": "收到", "next": reverse("reception:worklog_list")})
    assert r["Location"] == reverse("reception:worklog_list")
    assert HandoverItem.objects.get(pk=item.pk).ack_note == "收到"
