# Written by hand: the policy unit choice 'months' and the S-02 survey cadences in months (issue 15)

from django.db import migrations, models

UNITS = [('minutes', 'minutes'), ('hours', 'hours'), ('days', 'calendar days'), ('months', 'calendar months'),
         ('working_days', 'working days'), ('end_of_day', 'end of the working day'),
         ('end_of_calendar_day', 'end of the calendar day'), ('end_of_month', 'end of the month'),
         ('before_month_end', 'days before the month end'), ('set', 'set when started')]

# code: (old default, new default)
CADENCES = {"survey.routine": ((182, "days"), (6, "months")),
            "survey.new_service": ((91, "days"), (3, "months"))}


def s02_months(apps, schema_editor):
    """SPEC S-02: a routine survey every 6 months, a new-service survey within 3 months of the launch — calendar
    months, not 182/91 days. Only the untouched company rows change (an admin's or a site's edit is kept)."""
    DeadlinePolicy = apps.get_model("core", "DeadlinePolicy")
    for code, ((old_n, old_unit), (n, unit)) in CADENCES.items():
        DeadlinePolicy.objects.filter(code=code, site__isnull=True, amount=old_n, unit=old_unit).update(
            amount=n, unit=unit)


def back_to_days(apps, schema_editor):
    DeadlinePolicy = apps.get_model("core", "DeadlinePolicy")
    for code, ((old_n, old_unit), (n, unit)) in CADENCES.items():
        DeadlinePolicy.objects.filter(code=code, site__isnull=True, amount=n, unit=unit).update(
            amount=old_n, unit=old_unit)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_approval_requests'),
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
        migrations.RunPython(s02_months, back_to_days),
    ]
