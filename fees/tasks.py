"""Worker tasks of fees: ids in, one service call, safe to run twice (STYLE §2)."""

from celery import shared_task


@shared_task(acks_late=True)
def bill_run_task(run_id: int) -> None:
    from fees.services import bill_run_execute  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    bill_run_execute(run_id=run_id)


@shared_task(acks_late=True, ignore_result=True)
def notice_email_send_task(notice_id: int) -> bool:
    """One payment notice by email (outbox row); a failure is recorded and retried by the resend job."""
    from fees.services.notices import notice_email_send  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    try:
        return notice_email_send(pk=notice_id)
    except Exception:
        return False


@shared_task(acks_late=True, ignore_result=True)
def notice_emails_resend_pending_task() -> int:
    """Beat, every minute: payment notices still unsent after an SMTP outage."""
    from fees.services.notices import notice_emails_resend_pending  # noqa: PLC0415 (cycle: as above)

    return notice_emails_resend_pending()
