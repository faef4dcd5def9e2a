"""SPEC D-03: one real send through an SMTP server started by the test (aiosmtpd on 127.0.0.1)."""

import email
import socket
from datetime import date, datetime
from email import policy
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from reports.models import DistributionList, MailingKind, MonthlyReport
from reports.tasks import email_send_task, scheduled_mailings_task

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def smtp_server(settings):
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_monthly_report_mail_through_real_smtp(site_a, smtp_server):
    # SPEC D-03: the monthly report with PDF and XLSX attached, HTML + text, Chinese subject, over SMTP
    import time_machine

    DistributionList.objects.create(name="总经办", kind=MailingKind.MONTHLY_REPORT, site=site_a.site,
                                    emails="gm@example.com")
    with time_machine.travel(datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        scheduled_mailings_task()
    assert getattr(mail, "outbox", []) == []  # nothing went to the locmem backend
    assert MonthlyReport.objects.filter(month=date(2026, 11, 1), status=MonthlyReport.Status.READY).exists()
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["gm@example.com"]
    msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert msg["Subject"] == "【A小区】月报 2026-11"
    kinds = [part.get_content_type() for part in msg.walk()]
    assert "text/plain" in kinds and "text/html" in kinds
    names = sorted(part.get_filename() for part in msg.iter_attachments())
    assert names == ["TA-2026-11.pdf", "TA-2026-11.xlsx"]
    pdf = next(p for p in msg.iter_attachments() if p.get_filename().endswith(".pdf"))
    assert pdf.get_content()[:4] == b"%PDF"


def test_send_task_retries_when_smtp_is_down(settings):
    # SPEC D-03: sent through Celery with retries — a refused connection raises for autoretry
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()  # nothing listens
    assert OSError in email_send_task.autoretry_for
    with pytest.raises(Exception) as err:
        email_send_task.apply(args=[{"subject": "x", "to": ["a@example.com"], "text": "x", "html": "<p>x</p>"}],
                              throw=True)
    assert isinstance(err.value, OSError) or "Retry" in type(err.value).__name__
