# Written by hand: only the policy unit choice (SPEC K-06, issue 15.8)

from django.db import migrations, models

UNITS = [('minutes', 'minutes'), ('hours', 'hours'), ('days', 'calendar days'), ('working_days', 'working days'),
         ('end_of_day', 'end of the working day'), ('end_of_calendar_day', 'end of the calendar day'),
         ('end_of_month', 'end of the month'), ('before_month_end', 'days before the month end'),
         ('set', 'set when started')]


def k06_calendar_day(apps, schema_editor):
    """SPEC K-06: a key not back by the end of the day — the calendar day, also on a Sunday evening — goes to
    the site director. Only the untouched default row changes (an admin's edit is kept)."""
    DeadlinePolicy = apps.get_model("core", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(code="key.use.endofday", unit="end_of_day", amount=0,
                                  name="Key back by the end of the working day").update(
        unit="end_of_calendar_day", name="Key back by the end of the day")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_before_month_end_unit'),
    ]

    operations = [
        migrations.AlterField(
            model_name='deadlinepolicy',
            name='unit',
            field=models.CharField(choices=UNITS, max_length=20, verbose_name='time unit'),
        ),
        migrations.AlterField(
            model_name='historicaldeadlinepolicy',
            name='unit',
            field=models.CharField(choices=UNITS, max_length=20, verbose_name='time unit'),
        ),
        migrations.RunPython(k06_calendar_day, migrations.RunPython.noop),
    ]
