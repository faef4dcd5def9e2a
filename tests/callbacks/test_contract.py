"""The contract tickets and complaints call: callback_request + outcome_handler."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callbacks import hooks
from callbacks.hooks import outcome_handler
from callbacks.models import Callback, Result
from callbacks.services import callback_attempt_record, callback_request

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def captured():
    calls = []
    saved = dict(hooks._handlers)

    @outcome_handler("estates.unit")
    def on_outcome(*, callback, result, now, actor):
        calls.append((callback.pk, result, now, actor))

    yield calls
    hooks._handlers.clear()
    hooks._handlers.update(saved)


# SPEC CB-01 (W-03 holiday): returned on 2026-09-30 → due 2026-10-08 18:00 (National Day holiday)
def test_ticket_callback_one_working_day_across_holiday(site_a):
    unit = site_a.units[0]
    cb = callback_request(subject=unit, site_id=site_a.site.pk, kind="ticket", policy_code="ticket.callback",
                          now=datetime(2026, 9, 30, 10, 0, tzinfo=TZ), unit=unit, summary="换水龙头")
    assert cb.due_at.astimezone(TZ) == datetime(2026, 10, 8, 18, 0, tzinfo=TZ)
    assert cb.assigned_to == site_a.users["zone_staff"]
    assert cb.resident_name == site_a.residents[0].name
    assert cb.status == Callback.Status.OPEN


# SPEC CB-01 / C-09: complaint callback 2 working days, across the holiday
def test_complaint_callback_two_working_days_across_holiday(site_a):
    unit = site_a.units[1]
    cb = callback_request(subject=unit, site_id=site_a.site.pk, kind="complaint", policy_code="complaint.callback",
                          now=datetime(2026, 9, 30, 10, 0, tzinfo=TZ), unit=unit)
    assert cb.due_at.astimezone(TZ) == datetime(2026, 10, 9, 18, 0, tzinfo=TZ)


# SPEC CB-02: the outcome handler runs once with the result
def test_outcome_hook_called_once(site_a, captured):
    unit = site_a.units[0]
    now = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
    cb = callback_request(subject=unit, site_id=site_a.site.pk, kind="ticket", policy_code="ticket.callback",
                          now=now, unit=unit)
    again = callback_request(subject=unit, site_id=site_a.site.pk, kind="ticket", policy_code="ticket.callback",
                             now=now, unit=unit)
    assert again.pk == cb.pk
    callback_attempt_record(callback=cb, actor=site_a.users["zone_staff"], method="phone", number_dialled="13800000000",
                            result=Result.UNSATISFIED, now=now)
    assert [(c[0], c[1]) for c in captured] == [(cb.pk, "unsatisfied")]
