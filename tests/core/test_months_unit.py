"""SPEC S-02 (issue 15): the policy unit 'months' — calendar months, the month's last day when the day is
missing — and the data migration that puts the two survey cadences in months."""

import importlib
from datetime import datetime

import pytest
from django.apps import apps
from django.utils import translation

from core.deadlines import compute_due, policy_limit
from core.forms import PolicyForm
from core.models import DeadlinePolicy
from core.worktime import TZ, add_months

pytestmark = pytest.mark.django_db


def at(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=TZ)


# SPEC S-02: "every 6 months" across month ends and leap years
@pytest.mark.parametrize(("start", "n", "due"), [
    (at(2026, 8, 31, 9, 30), 6, at(2027, 2, 28, 9, 30)),  # Aug 31 + 6 months: the end of February
    (at(2027, 8, 31), 6, at(2028, 2, 29)),  # a leap year's February 29
    (at(2026, 11, 30), 3, at(2027, 2, 28)),  # across the year end
    (at(2026, 5, 31), 3, at(2026, 8, 31)),  # August has a 31st: kept
    (at(2026, 3, 31), 6, at(2026, 9, 30)),
    (at(2026, 12, 15, 18), 3, at(2027, 3, 15, 18)),
    (at(2026, 1, 31), 1, at(2026, 2, 28)),
    (at(2026, 7, 1), 12, at(2027, 7, 1)),
])
def test_add_months(start, n, due):
    assert add_months(start, n) == due


# SPEC S-02: a policy row in months is computed by the engine and quoted in words
def test_policy_in_months():
    p = DeadlinePolicy.objects.get(code="survey.routine", site__isnull=True)
    assert (p.amount, p.unit) == (6, "months")
    assert compute_due(p, at(2026, 8, 31, 10), site_id=None) == at(2027, 2, 28, 10)
    # 00:00 on the last day of a month in Shanghai is the day before in UTC: still counted in local time
    assert compute_due(p, at(2026, 8, 31), site_id=None) == at(2027, 2, 28)
    with translation.override("zh-hans"):
        assert policy_limit("survey.routine") == "6 个月"
        assert policy_limit("survey.new_service") == "3 个月"
        assert str(DeadlinePolicy.Unit.MONTHS.label) == "自然月"
    with translation.override("en"):
        assert policy_limit("survey.new_service") == "3 months"


# SPEC S-02: months is a counted unit: an admin must give an amount
def test_policy_form_needs_an_amount_in_months():
    p = DeadlinePolicy.objects.get(code="survey.routine", site__isnull=True)
    data = {"name": p.name, "amount": 0, "unit": "months", "action": p.action, "notify_roles": p.notify_roles}
    form = PolicyForm(data=data, instance=p)
    assert not form.is_valid() and "amount" in form.errors
    form = PolicyForm(data={**data, "amount": 4}, instance=p)
    assert form.is_valid(), form.errors


# SPEC S-02: the data migration changes only the untouched default rows (an admin's or a site's edit is kept)
def test_data_migration_changes_only_default_rows(site_a):
    migration = importlib.import_module("core.migrations.0012_months_unit")
    DeadlinePolicy.objects.filter(code="survey.routine", site__isnull=True).update(amount=182, unit="days")
    DeadlinePolicy.objects.filter(code="survey.new_service", site__isnull=True).update(amount=60, unit="days")
    base = DeadlinePolicy.objects.get(code="survey.routine", site__isnull=True)
    DeadlinePolicy.objects.create(code=base.code, site=site_a.site, name=base.name, amount=182, unit="days",
                                  action=base.action)
    migration.s02_months(apps, None)
    rows = {(p.code, p.site_id): (p.amount, p.unit) for p in DeadlinePolicy.objects.filter(code__startswith="survey.")
            .exclude(code="survey.collection")}
    assert rows[("survey.routine", None)] == (6, "months")  # the default row
    assert rows[("survey.new_service", None)] == (60, "days")  # edited by an admin: kept
    assert rows[("survey.routine", site_a.site.pk)] == (182, "days")  # the site's own row: kept
    migration.back_to_days(apps, None)
    assert DeadlinePolicy.objects.get(code="survey.routine", site__isnull=True).unit == "days"
