"""Issue 13 items 6 and 7: a `next=` never leaves the site; out-of-range paging gives the first or last
page on every paginated list, never a 500."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Category, Escalation, Severity
from complaints.services import complaint_confirm, complaint_receive
from core.paging import MAX_PAGE, page_number
from estates.models import Department
from tests.tickets.helpers import register
from tickets.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
EVIL = ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)",
        "http://testserver@evil.example/"]


@pytest.fixture(autouse=True)
def working_wednesday():
    import time_machine

    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 18, 10, 0)), tick=True):
        yield


# ---- item 7 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [(HUGE, MAX_PAGE), ("abc", 1), ("-1", 1), ("0", 1), ("", 1),
                                               (None, 1), ("3", 3), (" 2 ", 2), ("1e3", 1)])
def test_page_number(raw, expected):
    assert page_number(raw) == expected


def test_tickets_list_huge_page_is_the_last_page(client, site_a):
    for _ in range(PAGE_SIZE + 3):
        register(site_a)
    client.force_login(site_a.users["front_desk"])
    url = reverse("tickets:order_list")
    r = client.get(url, {"page": HUGE})
    assert r.status_code == 200
    page = r.context["page"]
    assert page.number == 2 and len(page.object_list) == 3 and not page.has_next and page.has_previous
    for raw in ("abc", "-1", "0"):
        r = client.get(url, {"page": raw})
        assert r.status_code == 200 and r.context["page"].number == 1
        assert len(r.context["page"].object_list) == PAGE_SIZE


def test_tickets_list_empty_with_huge_page(client, site_a):
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("tickets:dispatch_board"), {"page": HUGE})
    assert r.status_code == 200 and r.context["page"].number == 1


LISTS = [
    ("tickets:order_list", "front_desk"), ("tickets:dispatch_board", "cs_supervisor"),
    ("complaints:complaint_list", "site_director"), ("complaints:escalation_list", "site_director"),
    ("complaints:reminder_list", "site_director"), ("reception:entry_list", "front_desk"),
    ("reception:worklog_list", "front_desk"), ("callbacks:queue", "front_desk"),
    ("callbacks:promised_list", "front_desk"), ("keys:ledger", "front_desk"), ("keys:use_list", "front_desk"),
    ("keys:seal_list", "front_desk"), ("keys:reconciliation_list", "front_desk"), ("core:inbox", "front_desk"),
    ("core:deadline_list", "cs_supervisor"), ("estates:unit_list", "front_desk"),
    ("estates:resident_list", "front_desk"), ("estates:import_start", "cs_supervisor"),
]


@pytest.mark.parametrize(("name", "role"), LISTS)
@pytest.mark.parametrize("raw", [HUGE, "abc", "-1"])
def test_every_list_survives_any_page(client, site_a, name, role, raw):
    client.force_login(site_a.users[role])
    url = reverse(name)
    assert client.get(url).status_code == 200  # the list is open to this role at all
    r = client.get(url, {"page": raw})
    assert r.status_code == 200
    page = r.context["page"]
    if hasattr(page, "paginator"):
        assert page.number == (page.paginator.num_pages if raw == HUGE else 1)


# ---- item 6 ---------------------------------------------------------------------------------------

def _escalation(site_a) -> Escalation:
    x = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="漏水", unit=site_a.units[0])
    complaint_confirm(complaint=x, actor=site_a.staff["center_head"], is_valid=True, category=Category.ENGINEERING,
                      severity=Severity.MAJOR, department=site_a.depts[Department.Kind.ENGINEERING],
                      handling_deadline=timezone.now() + timedelta(days=1))
    return Escalation.objects.get(complaint=x)


@pytest.mark.parametrize("evil", EVIL)
def test_escalation_ack_next_stays_on_site(client, site_a, evil):
    esc = _escalation(site_a)
    client.force_login(site_a.users["site_director"])
    r = client.post(reverse("complaints:escalation_ack", args=[esc.pk]), {"next": evil})
    assert r.status_code == 302
    assert r["Location"] == esc.complaint.get_absolute_url()


def test_escalation_ack_next_on_site_is_followed(client, site_a):
    esc = _escalation(site_a)
    client.force_login(site_a.users["site_director"])
    target = reverse("complaints:escalation_list") + "?unacked=1"
    r = client.post(reverse("complaints:escalation_ack", args=[esc.pk]), {"next": target})
    assert r["Location"] == target


@pytest.mark.parametrize("evil", EVIL)
def test_notification_ack_next_stays_on_site(client, site_a, evil):
    from core.models import Notification

    user = site_a.users["front_desk"]
    n = Notification.objects.create(recipient=user, title="x", requires_ack=True)
    client.force_login(user)
    r = client.post(reverse("core:notification_ack", args=[n.pk]), {"next": evil})
    assert r.status_code == 302 and r["Location"] == reverse("core:inbox")
