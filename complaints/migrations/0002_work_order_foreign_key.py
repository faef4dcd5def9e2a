"""Issue 14.3: `Complaint.work_order_id` (a bare number) becomes a real foreign key to the work order.

The column keeps its name (`work_order_id`) and its values; a number that names no work order any more is
cleared first, so the new constraint holds."""

import django.db.models.deletion
from django.db import migrations, models


def clear_dangling(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    WorkOrder = apps.get_model("tickets", "WorkOrder")
    linked = Complaint.objects.filter(work_order_id__isnull=False)
    linked.exclude(work_order_id__in=WorkOrder.objects.values("pk")).update(work_order_id=None)


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0001_initial"),
        ("tickets", "0005_order_counter_in_core"),
    ]

    operations = [
        # the number loses its ">= 0" check (a key needs none)
        migrations.AlterField(
            model_name="complaint",
            name="work_order_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="linked work order"),
        ),
        migrations.RunPython(clear_dangling, migrations.RunPython.noop),
        # same column, now seen as a relation (no change in the database yet)
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="complaint", name="work_order_id"),
                migrations.AddField(
                    model_name="complaint",
                    name="work_order",
                    field=models.ForeignKey(blank=True, null=True, db_constraint=False, db_index=False,
                                            on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                            to="tickets.workorder", verbose_name="linked work order"),
                ),
            ],
        ),
        # then the constraint and the index
        migrations.AlterField(
            model_name="complaint",
            name="work_order",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="tickets.workorder", verbose_name="linked work order"),
        ),
    ]
