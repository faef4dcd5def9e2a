"""Views: queue (CB-01/CB-07), record (CB-02), site isolation (X-02: another site's record is 404)."""

from datetime import date

import pytest
from django.urls import reverse

from callbacks.models import Callback
from callbacks.services import callback_request, promised_reply_create, visit_plan_generate
from tests.callbacks.conftest import at

pytestmark = pytest.mark.django_db


def _cb(ns, now=None, i=0):
    u = ns.units[i]
    return callback_request(subject=u, site_id=ns.site.pk, kind="ticket", policy_code="ticket.callback", unit=u,
                            now=now or at(2026, 11, 2, 10, 0))


# SPEC CB-01 / CB-07: zone staff sees the day's queue with one-click dialling
def test_queue_due_today_with_tel_link(client, site_a, site_b, time_machine):
    time_machine.move_to(at(2026, 11, 3, 9, 0), tick=False)
    mine = _cb(site_a)
    later = _cb(site_a, now=at(2026, 11, 3, 9, 0), i=1)  # due 11-04
    other = _cb(site_b)
    client.force_login(site_a.users["zone_staff"])
    r = client.get(reverse("callbacks:queue"))
    assert r.status_code == 200
    html = r.content.decode()
    assert f'data-testid="callback-{mine.pk}"' in html
    assert f'href="tel:{mine.phone}"' in html
    assert f'data-testid="callback-{later.pk}"' not in html
    assert f'data-testid="callback-{other.pk}"' not in html
    r = client.get(reverse("callbacks:queue"), {"state": "overdue"})
    assert f'data-testid="callback-{mine.pk}"' not in r.content.decode()
    time_machine.move_to(at(2026, 11, 4, 9, 0), tick=False)
    client.force_login(site_a.users["zone_staff"])
    r = client.get(reverse("callbacks:queue"), {"state": "overdue", "site": site_a.site.pk})
    assert f'data-testid="callback-{mine.pk}"' in r.content.decode()


# SPEC CB-02: the record form saves an attempt; bad input re-renders with the error
def test_attempt_form(client, site_a):
    cb = _cb(site_a)
    client.force_login(site_a.users["zone_staff"])
    r = client.post(reverse("callbacks:attempt", args=[cb.pk]),
                    {"method": "visit", "result": "satisfied", "comment": "已修好"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    assert "signature" in r.content.decode()
    assert "已修好" in r.content.decode()
    r = client.post(reverse("callbacks:attempt", args=[cb.pk]),
                    {"method": "phone", "number_dialled": cb.phone, "result": "satisfied",
                     "next": reverse("callbacks:queue")})
    assert r.status_code == 302 and r.url == reverse("callbacks:queue")
    assert Callback.objects.get(pk=cb.pk).status == Callback.Status.DONE


# SPEC X-02 for callbacks: every detail URL of site A is 404 for a site-B user
def test_site_isolation(client, site_a, site_b):
    cb = _cb(site_a)
    reply = promised_reply_create(site_id=site_a.site.pk, callback=cb, question="?", due_at=at(2030, 1, 1, 9, 0),
                                  actor=site_a.users["zone_staff"], now=at(2026, 11, 2, 10, 0))
    plan = visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 1, 0))[0]
    visit = plan.visits.first()
    client.force_login(site_b.users["cs_supervisor"])
    for url, method in [(reverse("callbacks:detail", args=[cb.pk]), "get"),
                        (reverse("callbacks:attempt", args=[cb.pk]), "post"),
                        (reverse("callbacks:finding", args=[cb.pk]), "post"),
                        (reverse("callbacks:cancel", args=[cb.pk]), "post"),
                        (reverse("callbacks:reply_create", args=[cb.pk]), "post"),
                        (reverse("callbacks:promised_answer", args=[reply.pk]), "post"),
                        (reverse("callbacks:visit_plan", args=[plan.pk]), "get"),
                        (reverse("callbacks:visit_record", args=[visit.pk]), "get")]:
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("callbacks:sampling"), {"site": site_a.site.pk}).status_code == 404
    queue = client.get(reverse("callbacks:queue"), {"state": "open"}).content.decode()
    assert f'data-testid="callback-{cb.pk}"' not in queue
    client.force_login(site_a.users["cs_supervisor"])
    assert client.get(reverse("callbacks:detail", args=[cb.pk])).status_code == 200
    assert client.get(reverse("callbacks:visit_plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("callbacks:visit_record", args=[visit.pk])).status_code == 200


def test_pages_render(client, site_a):
    _cb(site_a)
    visit_plan_generate(site=site_a.site, month=date(2026, 11, 1), now=at(2026, 11, 1, 1, 0))
    client.force_login(site_a.users["cs_supervisor"])
    for name, params in [("callbacks:queue", {"state": "open"}), ("callbacks:promised_list", {}),
                         ("callbacks:visit_plans", {"month": "2026-11"}), ("callbacks:sampling", {}),
                         ("callbacks:rates", {"month": "2026-11"})]:
        r = client.get(reverse(name), params)
        assert r.status_code == 200, name
    r = client.post(reverse("callbacks:sampling"), {"sampling_share": "0.15", "in_person_share": "0.3",
                                                    "director_visits": 10, "zone_manager_visits": 15})
    assert r.status_code == 302
