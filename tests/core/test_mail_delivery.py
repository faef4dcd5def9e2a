"""Email delivery that never hangs, never doubles, and gives up visibly (issues 13.10, 23.3, 23.5, 23.6).

Claim → send with the notice's Message-ID → mark (core/mail.py); EMAIL_TIMEOUT on every SMTP
connection; failed after N attempts; one-line subjects.
"""

import socket
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.test import TestCase

from complaints.models import Severity
from complaints.services import complaint_receive
from core.forms import SingleLineCharField
from core.mail import message_id, single_line
from core.models import Notification
from core.notifications import (
    notification_deliver,
    notification_deliver_many,
    notification_failed,
    notification_queue,
    notification_resend,
    notification_resend_pending,
)
from core.worktime import TZ

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 23, 9, tzinfo=TZ)


def on_commit():
    return TestCase.captureOnCommitCallbacks(execute=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentServer:
    """Accepts TCP connections and never says a word (a mail server that hangs)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)

    def close(self):
        self._stop = True
        self.thread.join(2)
        for c in self.conns:
            c.close()
        self.sock.close()


def _smtp(settings, port: int, timeout: int = 10) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = timeout


def _notices(user, n: int = 1, title: str = "报事单超时") -> list[Notification]:
    with on_commit():
        rows = [notification_queue(recipients=[user], title=f"{title} {i}") for i in range(n)]
    return [r[0] for r in rows]


def test_email_timeout_is_set():
    # issue 23.3: SMTP never waits for ever (Django's default is no timeout)
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT <= 30


# issue 23.3: a server that accepts and never answers → the send fails promptly, the notice stays retryable
def test_hanging_smtp_fails_fast_and_notice_stays_pending(site_a, settings):
    user = site_a.users["cs_supervisor"]
    n = Notification.objects.create(recipient=user, title="超时", send_email=True)
    server = SilentServer()
    try:
        _smtp(settings, server.port, timeout=1)
        t0 = time.monotonic()
        with pytest.raises(OSError):
            notification_deliver(notification_id=n.pk, now=START)
        assert time.monotonic() - t0 < 5
    finally:
        server.close()
    n.refresh_from_db()
    assert n.email_sent_at is None and n.email_failed_at is None
    assert n.email_claimed_at is None  # claim released: the resend job may take it
    assert n.email_attempts == 1 and n.email_next_at == START + timedelta(minutes=1)
    assert "timed out" in n.email_error.lower() or "timeout" in n.email_error.lower()


# issue 23.3: a batch against a hanging server stops at the first timeout instead of 10 × the timeout
def test_batch_stops_at_first_connection_failure(site_a, settings):
    user = site_a.users["cs_supervisor"]
    ids = [Notification.objects.create(recipient=user, title=f"n{i}", send_email=True).pk for i in range(10)]
    server = SilentServer()
    try:
        _smtp(settings, server.port, timeout=1)
        t0 = time.monotonic()
        assert notification_deliver_many(ids=ids) == 0
        assert time.monotonic() - t0 < 5
    finally:
        server.close()
    attempts = list(Notification.objects.filter(pk__in=ids).order_by("pk").values_list("email_attempts", flat=True))
    assert attempts == [1] + [0] * 9  # the rest were never claimed; the resend job sends them later


# issue 13.10: claim first; another sender (or a crashed one) holds it until the claim expires
def test_claimed_notice_is_not_sent_again_until_the_claim_expires(site_a, settings):
    n = Notification.objects.create(recipient=site_a.users["cs_supervisor"], title="认领", send_email=True)
    Notification.objects.filter(pk=n.pk).update(email_claimed_at=START, email_attempts=1)  # a sender died here
    assert notification_deliver(notification_id=n.pk, now=START + timedelta(seconds=30)) is False
    assert mail.outbox == []
    settings.PROPSERV_EMAIL_CLAIM_SECONDS = 300
    assert notification_deliver(notification_id=n.pk, now=START + timedelta(minutes=6)) is True
    assert len(mail.outbox) == 1
    # the re-send carries the notice's own Message-ID, so a copy the dead sender got out is recognisable
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id("notice", n.pk)
    assert mail.outbox[0].message()["Message-ID"] == f"<propserv.notice.{n.pk}@propserv.local>"
    assert notification_deliver(notification_id=n.pk, now=START + timedelta(minutes=20)) is False  # sent: no-op


# issue 23.6: after N failed attempts a notice is marked failed with its error, no longer retried
def test_notice_failed_after_max_attempts_and_resend(site_a, settings):
    settings.PROPSERV_EMAIL_MAX_ATTEMPTS = 3
    _smtp(settings, _free_port(), timeout=1)  # nothing listens: refused
    n = Notification.objects.create(recipient=site_a.users["cs_supervisor"], title="拒绝", send_email=True,
                                    created_at=START - timedelta(hours=1))
    now = START
    for _ in range(3):
        notification_resend_pending(now=now)
        now += timedelta(hours=3)  # past any backoff
    n.refresh_from_db()
    assert n.email_attempts == 3 and n.email_failed_at is not None and n.email_sent_at is None
    assert "refused" in n.email_error.lower()
    assert list(notification_failed()) == [n]
    notification_resend_pending(now=now + timedelta(days=1))
    n.refresh_from_db()
    assert n.email_attempts == 3  # given up: the resend job leaves it alone
    # staff press "resend" once SMTP works again
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with on_commit():
        assert notification_resend(ids=[n.pk]) == 1
    n.refresh_from_db()
    assert n.email_sent_at is not None and n.email_failed_at is None and len(mail.outbox) == 1


# issue 23.5: a line break in a title never reaches a header; the notice is delivered
def test_title_with_line_break_gives_one_line_subject(site_a):
    (n,) = _notices(site_a.users["cs_supervisor"], title="电梯困人\r\n3号楼")
    n.refresh_from_db()
    assert n.title == "电梯困人 3号楼 0" and n.email_sent_at is not None
    assert mail.outbox[0].subject == "[物业服务] 电梯困人 3号楼 0"
    assert "\r" not in mail.outbox[0].message()["Subject"] and "\n" not in mail.outbox[0].message()["Subject"]


# issue 23.5: complaint subject normalised at intake (form field and service); emergency notices delivered
def test_complaint_subject_with_crlf_is_one_line_and_notices_go_out(site_a):
    field = SingleLineCharField(max_length=200)
    assert field.clean("  车库\r\n积水\t严重 ") == "车库 积水 严重"
    from complaints.forms import ComplaintForm, ReportForm
    from surveys.forms import CampaignForm

    for form, name in ((ComplaintForm, "subject"), (ReportForm, "title"), (CampaignForm, "title")):
        assert isinstance(form.base_fields[name], SingleLineCharField), (form, name)
    with on_commit():
        c = complaint_receive(site=site_a.site, actor=site_a.staff["front_desk"], subject="电梯困人\r\n请速来",
                              unit=site_a.units[0], severity=Severity.EMERGENCY)
    c.refresh_from_db()
    assert c.subject == "电梯困人 请速来"
    sent = Notification.objects.filter(send_email=True)
    assert sent.exists() and not sent.filter(email_sent_at__isnull=True).exists()
    assert mail.outbox and all("\n" not in m.subject and "\r" not in m.subject for m in mail.outbox)


def test_single_line_helper():
    assert single_line("a\r\nb\u2028c\x0bd  e") == "a b c d e"
    assert single_line(None) == ""
