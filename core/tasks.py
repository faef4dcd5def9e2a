from smtplib import SMTPException

from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def deadline_sweep_task() -> int:
    from core.deadlines import deadline_breach_due

    return deadline_breach_due()


@shared_task(autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=6,
             acks_late=True, ignore_result=True)
def notification_deliver_task(notification_id: int) -> bool:
    from core.notifications import notification_deliver

    return notification_deliver(notification_id=notification_id)  # no-op once sent


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver_batch_task(ids: list[int]) -> int:
    """One message per committed batch; failures stay pending for the resend job (with backoff)."""
    from core.notifications import notification_deliver_many

    return notification_deliver_many(ids=ids)


@shared_task(acks_late=True, ignore_result=True)
def notice_fanout_task(fanout_id: int) -> int:
    """The per-user notices of a large sweep batch, right after the sweep commits."""
    from core.deadlines import notice_fanout_run

    return notice_fanout_run(fanout_id=fanout_id)


@shared_task(acks_late=True, ignore_result=True)
def notification_resend_pending_task() -> int:
    """Beat, every minute: fan-outs and emails whose after-commit hand-over was lost."""
    from core.deadlines import notice_fanout_pending
    from core.notifications import notification_resend_pending

    notice_fanout_pending()
    return notification_resend_pending()
