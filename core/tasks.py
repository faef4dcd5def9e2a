from celery import shared_task
from django.utils import timezone

from core.health import SWEEP, heartbeat_record
from core.once import submission_keys_purge


@shared_task(acks_late=True, ignore_result=True)
def deadline_sweep_task() -> int:
    """Beat, every 30 s, on the "deadlines" queue; records its heartbeat for the health view."""
    from core.deadlines import deadline_breach_due  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    now = timezone.now()
    handled = deadline_breach_due(now=now)
    heartbeat_record(name=SWEEP, at=now)
    return handled


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver_task(notification_id: int) -> bool:
    """One email; a failure is recorded with its backoff and retried by the resend job (outbox)."""
    from core.notifications import notification_deliver  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    try:
        return notification_deliver(notification_id=notification_id)  # no-op once sent or claimed
    except Exception:
        return False


@shared_task(acks_late=True, ignore_result=True)
def notification_deliver_batch_task(ids: list[int]) -> int:
    """One message per committed batch; failures stay pending for the resend job (with backoff)."""
    from core.notifications import notification_deliver_many  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return notification_deliver_many(ids=ids)


@shared_task(acks_late=True, ignore_result=True)
def notice_fanout_task(fanout_id: int) -> int:
    """The per-user notices of a large sweep batch, right after the sweep commits."""
    from core.deadlines import notice_fanout_run  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return notice_fanout_run(fanout_id=fanout_id)


@shared_task(acks_late=True, ignore_result=True)
def notification_resend_pending_task() -> int:
    """Beat, every minute: fan-outs and emails whose after-commit hand-over was lost."""
    from core.deadlines import notice_fanout_pending  # noqa: PLC0415 (cycle: the services enqueue these tasks)
    from core.notifications import notification_resend_pending  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    notice_fanout_pending()
    return notification_resend_pending()


@shared_task(acks_late=True, ignore_result=True)
def submission_keys_purge_task() -> int:
    """Issue 23.2: one-time form keys older than a week are of no use."""
    return submission_keys_purge()


@shared_task(acks_late=True, ignore_result=True)
def notification_digest_task() -> int:
    """Issue 20.6, beat at 06:30: what each user left unread before today goes into one digest notice."""
    from core.inbox import notification_digest_build  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return notification_digest_build()
