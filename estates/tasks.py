from celery import shared_task


@shared_task(acks_late=True)
def import_job_run_task(job_id: int, actor_id: int | None = None) -> None:
    """A big import (SPEC O-01) outside the request; progress is stored on the ImportJob row."""
    from estates.imports import import_job_run  # noqa: PLC0415 (cycle: the services enqueue these tasks)

    import_job_run(job_id=job_id, actor_id=actor_id)
