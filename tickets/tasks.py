"""Celery tasks: ids in, one service call, safe to run twice (STYLE §2)."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.contrib.auth import get_user_model

from tickets.open_counts import compact


@shared_task(bind=True, acks_late=True)
def batch_print_task(self, *, user_id: int, day: str, department: str | None = None) -> str:
    """A large day's dispatches into one PDF, reporting progress for the status page."""
    from tickets.printing import batch_file_store, batch_queryset, set_batch_progress, work_orders_pdf  # noqa: PLC0415 (cycle: printing enqueues these tasks)

    task_id = self.request.id or "local"
    user = get_user_model().objects.get(pk=user_id)
    orders = list(batch_queryset(user, date.fromisoformat(day), department))
    set_batch_progress(task_id, owner=user_id, total=len(orders), current=0, percent=0, done=False)

    def progress(current: int, total: int) -> None:
        if current % 10 == 0 or current == total:
            set_batch_progress(task_id, current=current, percent=int(current * 90 / max(total, 1)))

    try:
        pdf = work_orders_pdf(orders, progress=progress)
    except Exception as exc:  # the page shows the failure instead of spinning forever
        set_batch_progress(task_id, error=str(exc))
        raise
    batch_file_store(task_id, pdf)
    set_batch_progress(task_id, current=len(orders), percent=100, done=True)
    return task_id


@shared_task(acks_late=True, ignore_result=True)
def work_order_prerender_task(order_id: int) -> bool:
    """SPEC T-02: render an order's form ahead, so printing it (alone or in the day's batch) is instant."""
    from tickets.printing import work_order_prerender  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return work_order_prerender(order_id)


@shared_task(acks_late=True, ignore_result=True)
def prune_stored_forms_task() -> int:
    from tickets.printing import prune_stored_forms  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    return prune_stored_forms()


@shared_task
def open_counts_compact_task() -> int:
    """Issue 21.1: fold the open-order counts the triggers appended into one row per key (every minute)."""
    return compact()
