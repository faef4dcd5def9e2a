"""Supervisor pages of the engine: permissions and site isolation (SPEC §15 ✎, W-02, X-02)."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from core.deadlines import deadline_start
from core.models import CalendarYear, Deadline, DeadlinePolicy, HolidayOverride, Notification
from core.worktime import TZ

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def company(code):
    return DeadlinePolicy.objects.get(code=code, site__isnull=True)


# SPEC §15 ✎: the site director overrides a ✎ policy for their own site; history kept
def test_site_director_overrides_for_own_site(client, site_a):
    p = company("ticket.normal.complete")
    c = login(client, site_a.users["site_director"])
    assert c.get(reverse("core:policy_list")).status_code == 200
    r = c.post(reverse("core:policy_override", args=[p.pk]),
               {"amount": 2, "unit": "working_days", "notify_roles": "cs_supervisor"})
    assert r.status_code == 302
    row = DeadlinePolicy.objects.get(code=p.code, site=site_a.site)
    assert row.amount == 2 and row.history.count() == 1
    assert row.history.first().history_user == site_a.users["site_director"]
    c.post(reverse("core:policy_override", args=[p.pk]), {"amount": 4, "unit": "working_days", "notify_roles": ""})
    row.refresh_from_db()
    assert row.amount == 4 and row.history.count() == 2
    company_row = company(p.code)
    assert company_row.amount == 3  # the company row is untouched
    d = deadline_start(subject=site_a.units[0], code=p.code, now=datetime(2026, 11, 23, 10, tzinfo=TZ))
    assert d.policy_id == row.pk


def test_bad_override_input_is_shown_and_kept(client, site_a):
    p = company("ticket.normal.complete")
    c = login(client, site_a.users["cs_supervisor"])
    r = c.post(reverse("core:policy_override", args=[p.pk]),
               {"amount": 0, "unit": "working_days", "notify_roles": "cs_supervisor,nobody"})
    assert r.status_code == 200
    assert "nobody" in r.content.decode()  # what was typed is kept
    assert set(r.context["form"].errors) == {"amount", "notify_roles"}
    assert not DeadlinePolicy.objects.filter(site=site_a.site).exists()


# SPEC §15: only ✎ rows, only supervisors of the site; company rows only for company roles
def test_override_permissions(client, site_a, site_b):
    editable, fixed = company("ticket.normal.complete"), company("complaint.dispatch")
    c = login(client, site_a.users["front_desk"])
    assert c.get(reverse("core:policy_override", args=[editable.pk])).status_code == 403
    c = login(client, site_a.users["site_director"])
    assert c.get(reverse("core:policy_override", args=[fixed.pk])).status_code == 403
    assert c.get(reverse("core:policy_edit", args=[editable.pk])).status_code == 403
    # asking for another site's override → 404
    assert c.get(reverse("core:policy_override", args=[editable.pk]) + f"?site={site_b.site.pk}").status_code == 404


# SPEC X-02: site-B user gets 404 for site-A's override
def test_other_sites_override_is_404(client, site_a, site_b):
    p = company("ticket.normal.complete")
    row = DeadlinePolicy.objects.create(code=p.code, site=site_a.site, name=p.name, amount=1, unit="working_days",
                                        action=p.action, site_editable=True)
    c = login(client, site_b.users["site_director"])
    assert c.get(reverse("core:override_edit", args=[row.pk])).status_code == 404
    page = c.get(reverse("core:policy_list")).content.decode()
    assert f'data-testid="override-{row.pk}"' not in page
    c = login(client, site_a.users["site_director"])
    assert c.get(reverse("core:override_edit", args=[row.pk])).status_code == 302
    assert f'data-testid="override-{row.pk}"' in c.get(reverse("core:policy_list")).content.decode()


def test_company_leader_edits_company_row(client, company_staff):
    p = company("complaint.dispatch")
    c = login(client, company_staff.leader.user)
    r = c.post(reverse("core:policy_edit", args=[p.pk]), {
        "name": p.name, "amount": 10, "unit": "hours", "action": "escalate", "notify_roles": "cs_supervisor",
        "description": p.description})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.amount == 10 and p.history.count() == 2  # created + edited


# SPEC W-02: the holiday table — company admins edit, supervisors read; coverage by source shown
def test_holiday_table(client, site_a, company_staff):
    c = login(client, site_a.users["site_director"])
    r = c.get(reverse("core:holiday_list"))
    assert r.status_code == 200
    assert 'data-source="chinesecalendar"' in r.content.decode()
    assert c.get(reverse("core:holiday_add")).status_code == 403
    c = login(client, company_staff.leader.user)
    r = c.post(reverse("core:holiday_add"), {"date": "2027-01-04", "kind": "holiday", "name": "测试"})
    assert r.status_code == 302
    assert HolidayOverride.objects.get(date=date(2027, 1, 4)).history.count() == 1
    r = c.post(reverse("core:calendar_year_add"), {"year": 2027, "complete": "on"})
    assert r.status_code == 302 and CalendarYear.objects.filter(year=2027).exists()
    assert 'data-testid="year-2027" data-source="table"' in c.get(reverse("core:holiday_list")).content.decode()
    assert login(client, site_a.users["front_desk"]).get(reverse("core:holiday_list")).status_code == 403


# SPEC X-04: timers list with filters, site-scoped
def test_timer_list_filters_and_isolation(client, site_a, site_b, time_machine):
    now = datetime(2026, 11, 23, 10, tzinfo=TZ)
    a1 = deadline_start(subject=site_a.units[0], code="complaint.forward", now=now - timedelta(days=2))
    a2 = deadline_start(subject=site_a.units[1], code="ticket.normal.complete", now=now)
    b1 = deadline_start(subject=site_b.units[0], code="complaint.forward", now=now - timedelta(days=2))
    c = login(client, site_a.users["cs_supervisor"])
    url = reverse("core:deadline_list")
    time_machine.move_to(now, tick=True)  # "overdue" is judged against the page's clock
    ids = lambda r: {d.pk for d in r.context["page"]}  # noqa: E731
    assert ids(c.get(url)) == {a1.pk, a2.pk}
    assert ids(c.get(url, {"code": "complaint.forward"})) == {a1.pk}
    assert ids(c.get(url, {"overdue": "1"})) == {a1.pk}
    assert ids(c.get(url, {"state": "breached"})) == set()
    assert ids(c.get(url, {"site": site_b.site.pk})) == set()  # never another site's rows
    ct = a1.subject_type_id
    assert ids(c.get(url, {"subject_type": ct})) == {a1.pk, a2.pk}
    assert b1.pk not in ids(c.get(url, {"state": "running"}))
    assert login(client, site_a.users["front_desk"]).get(url).status_code == 403
    assert Deadline.objects.count() == 3


def test_nav_entries_for_supervisors_only(site_a):
    from core.nav import items

    urls = {i["url"] for i in items(site_a.users["site_director"])}
    assert reverse("core:deadline_list") in urls and reverse("core:policy_list") in urls
    # the front desk sees only the approvals it asked for (T-18), none of the engine's pages
    desk = {i["url"] for i in items(site_a.users["front_desk"])}
    assert desk == {reverse("core:approval_list")}


# SPEC X-04: escalation notices stay listed until acknowledged; badge counts them
def test_awaiting_acknowledgement_stays_until_acknowledged(client, site_a):
    from core.notifications import notification_queue

    user = site_a.users["cs_supervisor"]
    [n] = notification_queue(recipients=[user], title="升级", kind="escalation", requires_ack=True)
    c = login(client, user)
    c.post(reverse("core:notification_open", args=[n.pk]))  # read, not acknowledged
    page = c.get(reverse("core:inbox")).content.decode()
    assert f'data-testid="awaiting-{n.pk}"' in page
    assert 'data-testid="awaiting-count"' in c.get(reverse("core:inbox_badge")).content.decode()
    c.post(reverse("core:notification_ack", args=[n.pk]), {"next": "https://evil.example/"})
    n.refresh_from_db()
    assert n.acknowledged_at is not None
    assert f'data-testid="awaiting-{n.pk}"' not in c.get(reverse("core:inbox")).content.decode()
    other = login(client, site_a.users["front_desk"])
    assert other.post(reverse("core:notification_ack", args=[n.pk])).status_code == 404
    assert Notification.objects.count() == 1
