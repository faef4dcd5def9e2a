"""Worker tasks of fees: ids in, one service call, safe to run twice (STYLE §2)."""

from celery import shared_task


@shared_task(acks_late=True)
def bill_run_task(run_id: int) -> None:
    from fees.services import bill_run_execute  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    bill_run_execute(run_id=run_id)
