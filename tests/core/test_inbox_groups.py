"""Issue 20.6: a user is not flooded — notices of one kind are one line ("13 overdue follow-ups"), read in
bulk, the bell counts lines that need action, and what is left unread from earlier days goes into one
daily digest notice."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from core.deadlines import deadline_breach_due
from core.inbox import group_key, inbox_groups, inbox_needs_action, notification_digest_build
from core.models import Notification
from core.notifications import notification_queue
from tests.tickets.helpers import T0, dispatch, register

pytestmark = pytest.mark.django_db


def _followups(s, n=13):
    """n engineering orders dispatched at T0 whose 7-day follow-up clock (T-10) breaches at once."""
    orders = [dispatch(s, register(s, now=T0 + timedelta(seconds=i))) for i in range(n)]
    deadline_breach_due(now=T0 + timedelta(days=8))
    return orders


def _front_desk_notes(s):
    return Notification.objects.filter(recipient=s.users["front_desk"])


# SPEC T-10 / X-04: thirteen overdue follow-ups are one line for the front desk, not thirteen
def test_overdue_followups_are_one_group(site_a):
    _followups(site_a)
    user = site_a.users["front_desk"]
    notification_queue(recipients=[user], title="一条单独的通知")
    notes = _front_desk_notes(site_a).filter(deadline__code="ticket.followup.engineering")
    assert notes.count() == 13
    assert not notes.filter(send_email=True).exists()  # routine reminders are not mailed one by one
    groups, rest = inbox_groups(user)
    [group] = [g for g in groups if g.key.endswith(".ticket.followup.engineering")]
    assert group.count == 13
    assert "13" in group.label
    assert group.key == group_key("alert", notes.first().subject_type_id, "ticket.followup.engineering")
    singles = Notification.objects.filter(recipient=user, read_at__isnull=True).filter(rest)
    assert "一条单独的通知" in set(singles.values_list("title", flat=True))
    assert not singles.filter(deadline__code="ticket.followup.engineering").exists()
    # the bell: one line for the group + the single notices, and the real number in its title
    counts = inbox_needs_action(user)
    assert counts["unread"] == _front_desk_notes(site_a).filter(read_at__isnull=True).count()
    assert counts["lines"] == len(groups) + singles.count() < counts["unread"]


# the inbox page shows the group as one line (in Chinese) and its notices only when opened
def test_inbox_page_groups_and_opens_a_group(client, site_a):
    _followups(site_a)
    client.force_login(site_a.users["front_desk"])
    html = client.get(reverse("core:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "13 条超时：工程报事单跟进" in html
    note = _front_desk_notes(site_a).filter(deadline__code="ticket.followup.engineering").first()
    assert f'data-testid="notification-{note.pk}"' not in html
    [group] = [g for g in inbox_groups(site_a.users["front_desk"])[0] if g.key.endswith(".ticket.followup.engineering")]
    html = client.get(group.url).content.decode()
    assert f'data-testid="notification-{note.pk}"' in html
    badge = client.get(reverse("core:inbox_badge")).content.decode()
    assert f">{inbox_needs_action(site_a.users['front_desk'])['lines']}</span>" in badge


# a whole group, or the ticked notices, are marked read in one step — only the user's own
def test_mark_read_in_bulk(client, site_a):
    _followups(site_a)
    user = site_a.users["front_desk"]
    [group] = [g for g in inbox_groups(user)[0] if g.key.endswith(".ticket.followup.engineering")]
    client.force_login(user)
    r = client.post(reverse("core:inbox_read"), {"group": group.key})
    assert r.status_code == 302
    assert not _front_desk_notes(site_a).filter(deadline__code="ticket.followup.engineering",
                                                read_at__isnull=True).exists()
    mine = notification_queue(recipients=[user], title="甲")[0]
    other = notification_queue(recipients=[site_a.users["zone_staff"]], title="乙")[0]
    client.post(reverse("core:inbox_read"), {"ids": [str(mine.pk), str(other.pk)]})
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.read_at is not None and other.read_at is None  # another user's notice is untouched
    assert client.get(reverse("core:inbox_read")).status_code == 405


# escalations awaiting acknowledgement are never grouped nor read in bulk
def test_escalations_stay_until_acknowledged(site_a):
    user = site_a.users["front_desk"]
    escalations = [notification_queue(recipients=[user], title=f"升级 {i}", kind="escalation", requires_ack=True)[0]
                   for i in range(4)]
    groups, _rest = inbox_groups(user)
    assert groups == []
    from core.inbox import notification_mark_read_many

    assert notification_mark_read_many(user=user, ids=[n.pk for n in escalations]) == 0
    assert inbox_needs_action(user)["awaiting"] == 4


# the daily digest: yesterday's unread notices become one digest notice (once), and leave the bell
def test_daily_digest_takes_the_rest(site_a):
    _followups(site_a)  # notices written at T0 + 8 days
    user = site_a.users["front_desk"]
    before = _front_desk_notes(site_a).filter(read_at__isnull=True).count()
    assert before >= 13
    next_morning = T0 + timedelta(days=9)
    with time_machine.travel(next_morning, tick=False):
        assert notification_digest_build(now=next_morning) >= 1
        assert notification_digest_build(now=next_morning) == 0  # once a day
    [digest] = _front_desk_notes(site_a).filter(kind=Notification.Kind.DIGEST)
    assert digest.send_email == bool(user.email)  # the one email instead of many
    assert str(before) in digest.title and "ticket" not in digest.body
    assert "13" in digest.body and "?before=" in digest.url
    unread = _front_desk_notes(site_a).filter(read_at__isnull=True)
    assert list(unread) == [digest]
    assert inbox_needs_action(user)["lines"] == 1
