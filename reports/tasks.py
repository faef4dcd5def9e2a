"""Celery entry points: ids in, one service call, safe to run twice (SPEC D-02, D-03)."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives


@shared_task(acks_late=True, ignore_result=True)
def scheduled_mailings_task() -> int:
    """Beat, every minute: claim the mailings due now (once per schedule and period) and run them."""
    from reports.services import mailings_due  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    runs = mailings_due()
    for run in runs:
        mailing_run_task.delay(run.pk)
    return len(runs)


@shared_task(acks_late=True, ignore_result=True)
def mailing_run_task(run_id: int) -> int:
    from reports.services import mailing_run_execute  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return mailing_run_execute(run_id=run_id)


@shared_task(acks_late=True, ignore_result=True)
def monthly_report_generate_task(report_id: int) -> int:
    from reports.services import monthly_report_generate  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return monthly_report_generate(report_id=report_id).pk


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=6, acks_late=True,
             ignore_result=True)
def email_send_task(message: dict) -> int:
    """Superseded by mailing_message_send_task (outbox rows); kept so messages queued by an older
    release still go out (retried on SMTP/network errors)."""
    mail = EmailMultiAlternatives(subject=message["subject"], body=message["text"],
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=message["to"])
    mail.attach_alternative(message["html"], "text/html")
    for att in message.get("attachments", []):
        with default_storage.open(att["file"], "rb") as fh:
            mail.attach(att["name"], fh.read(), att["mimetype"])
    return mail.send()


@shared_task(acks_late=True, ignore_result=True)
def mailing_message_send_task(message_id: int) -> bool:
    """One mailing message (queue "mail"); a failure is recorded and retried by the resend job."""
    from reports.services import mailing_message_send  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    try:
        return mailing_message_send(message_id=message_id)
    except Exception:
        return False


@shared_task(acks_late=True, ignore_result=True)
def mailing_resend_pending_task() -> int:
    """Beat, every minute: messages still unsent after an SMTP outage (issue 23.4)."""
    from reports.services import mailing_resend_pending  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return mailing_resend_pending()
