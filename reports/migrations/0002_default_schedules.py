"""Default mailing times (SPEC D-03, C-10), local time; admins edit the rows afterwards."""

from django.db import migrations

DEFAULTS = [
    # kind, hour, minute, weekday (1 = Monday), day_of_month
    ("daily_digest", 8, 0, None, None),  # the supervisors' 08:00 digest
    ("weekly_complaints", 8, 30, 1, None),  # Monday morning: last week's complaint statistics
    ("monthly_report", 6, 0, None, 1),  # the 1st: previous month's reports generated and mailed
    ("monthly_complaints", 9, 0, None, 1),  # the 1st: previous month's complaint statistics (ready by the 5th)
]


def seed(apps, schema_editor):
    DigestSchedule = apps.get_model("reports", "DigestSchedule")
    for kind, hour, minute, weekday, day in DEFAULTS:
        DigestSchedule.objects.get_or_create(kind=kind, defaults={"hour": hour, "minute": minute, "weekday": weekday,
                                                                  "day_of_month": day, "enabled": True})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
