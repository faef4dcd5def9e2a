"""Reactions to other apps' records: the maintenance plan follows its work orders (O-05).

tickets never imports this app; a WorkOrder saved with a completion time marks its occurrence done.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from tickets.models import WorkOrder


@receiver(post_save, sender=WorkOrder, dispatch_uid="inspections.maintenance_order_saved")
def maintenance_order_saved(sender, instance, **kwargs) -> None:
    if instance.completed_at is not None:
        from inspections.maintenance import occurrence_done_by_order  # noqa: PLC0415

        occurrence_done_by_order(instance)
