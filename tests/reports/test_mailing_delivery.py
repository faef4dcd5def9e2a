"""Mailings through an SMTP outage and the delivery problems page (issues 23.4, 23.6)."""

import email
import socket
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from core.models import Notification
from reports.models import DigestSchedule, DistributionList, MailingKind, MailingMessage, MailingRun
from reports.services import mailing_resend_pending
from reports.tasks import scheduled_mailings_task

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 12, 1, 9, 0, tzinfo=SH)  # the 1st, 09:00: daily digest (08:00) and monthly statistics due


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2


# issue 23.4: SMTP refused while the mailings run → not "done"; retried on the backoff; once SMTP is
# back each message arrives exactly once and the runs are done
def test_mailings_survive_smtp_outage_and_are_sent_once(site_a, settings):
    DigestSchedule.objects.filter(kind__in=[MailingKind.MONTHLY_REPORT, MailingKind.WEEKLY_COMPLAINTS]) \
        .update(enabled=False)
    DistributionList.objects.create(name="总经办", kind=MailingKind.MONTHLY_COMPLAINTS, site=site_a.site,
                                    emails="office@example.com\ngm@example.com")
    _smtp(settings, _free_port())  # nothing listens: connection refused
    with time_machine.travel(T, tick=False):
        scheduled_mailings_task()
    runs = MailingRun.objects.all()
    assert runs.count() == 2 and set(runs.values_list("status", flat=True)) == {MailingRun.Status.SENDING}
    msgs = MailingMessage.objects.all()
    assert msgs.count() == 6  # 5 site supervisors' digests + 1 statistics mail to the list
    assert all(m.email_sent_at is None and m.email_attempts == 1 and m.email_error for m in msgs)

    # still down two minutes later: the resend job tries again (the first message; the rest wait)
    assert mailing_resend_pending(now=T + timedelta(minutes=2)) == 0
    assert MailingRun.objects.filter(status=MailingRun.Status.DONE).count() == 0

    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        _smtp(settings, controller.port)
        assert mailing_resend_pending(now=T + timedelta(minutes=10)) == 6
        assert mailing_resend_pending(now=T + timedelta(hours=3)) == 0  # sent: never again
        with time_machine.travel(T + timedelta(minutes=11), tick=False):
            scheduled_mailings_task()  # the same period is not claimed twice
    finally:
        controller.stop()
    assert len(sink.messages) == 6
    ids = [email.message_from_bytes(e.original_content, policy=policy.default)["Message-ID"] for e in sink.messages]
    assert len(set(ids)) == 6 and all(i.startswith("<propserv.mailing.") for i in ids)
    rcpts = sorted(r for e in sink.messages for r in e.rcpt_tos)
    assert "gm@example.com" in rcpts and "office@example.com" in rcpts
    assert set(MailingRun.objects.values_list("status", flat=True)) == {MailingRun.Status.DONE}
    assert not MailingMessage.objects.filter(email_sent_at__isnull=True).exists()


def _failed_notice(user, site, title="工单超时提醒"):
    return Notification.objects.create(recipient=user, site=site, title=title, send_email=True, email_attempts=20,
                                       email_failed_at=T, email_error="SMTPRecipientsRefused: 550 mailbox unavailable")


# issue 23.6: a failed notice is listed on the staff page (Chinese, filtered by site) and can be resent
def test_delivery_problems_page_lists_failed_notices_and_resends(client, site_a, site_b,
                                                                  django_capture_on_commit_callbacks):
    n = _failed_notice(site_a.users["cs_supervisor"], site_a.site)
    other = _failed_notice(site_b.users["cs_supervisor"], site_b.site, title="B小区通知")
    client.force_login(site_a.users["center_head"])
    page = client.get(reverse("reports:delivery_problems"), {"state": "failed"}).content.decode()
    assert f'data-testid="delivery-notices-{n.pk}"' in page and "工单超时提醒" in page
    assert f'data-testid="delivery-notices-{other.pk}"' not in page  # another site's notice stays hidden
    assert "发送问题" in page and "550 mailbox unavailable" in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("reports:delivery_problems") + "?state=failed", {"ids": [n.pk, other.pk]})
    assert resp.status_code == 302
    n.refresh_from_db()
    other.refresh_from_db()
    assert n.email_sent_at is not None and n.email_failed_at is None and len(mail.outbox) == 1
    assert other.email_failed_at is not None  # not visible to this user: untouched


def test_delivery_problems_page_access_and_mailings_for_company(client, site_a, company_staff):
    client.force_login(site_a.users["front_desk"])
    assert client.get(reverse("reports:delivery_problems")).status_code == 403
    run = MailingRun.objects.create(schedule=DigestSchedule.objects.get(kind=MailingKind.DAILY_DIGEST),
                                    period="2026-12-01", started_at=T, status=MailingRun.Status.SENDING)
    m = MailingMessage.objects.create(run=run, subject="【A小区】每日摘要", to=["a@example.com"], email_attempts=20,
                                      email_failed_at=T, email_error="timed out")
    client.force_login(site_a.users["cs_supervisor"])
    page = client.get(reverse("reports:delivery_problems"), {"what": "mailings"}).content.decode()
    assert f"delivery-mailings-{m.pk}" not in page  # mailings are company-level
    client.force_login(company_staff.leader.user)
    page = client.get(reverse("reports:delivery_problems"), {"what": "mailings", "page": "99999999999999"})
    assert page.status_code == 200 and f"delivery-mailings-{m.pk}" in page.content.decode()


# issue 23.6: the admin lists failed notices (filter) and offers "send again"
def test_admin_lists_failed_notices(client, site_a):
    n = _failed_notice(site_a.users["cs_supervisor"], site_a.site)
    Notification.objects.create(recipient=site_a.users["cs_supervisor"], site=site_a.site, title="门禁维修完成",
                                send_email=True, email_sent_at=T)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    page = client.get(reverse("admin:core_notification_changelist"), {"email": "failed"}).content.decode()
    assert "工单超时提醒" in page and "门禁维修完成" not in page
    assert n.email_error in page
