from datetime import datetime, timedelta

import pytest

from core.worktime import TZ, WorkCalendar, add_wall_clock, add_working_days, next_opening


def at(*args):
    return datetime(*args, tzinfo=TZ)


# SPEC W-03
def test_three_working_days_over_golden_week():
    # SPEC W-03: Wed 2026-09-30 10:00 + 3 wd → Sat 2026-10-10 18:00 (Oct 8, 9, 10)
    assert add_working_days(at(2026, 9, 30, 10), 3, WorkCalendar()) == at(2026, 10, 10, 18)


def test_one_working_day_from_a_holiday():
    # SPEC W-03: Fri 2026-09-25 15:00 (Mid-Autumn) + 1 wd → Mon 2026-09-28 18:00
    assert add_working_days(at(2026, 9, 25, 15), 1, WorkCalendar()) == at(2026, 9, 28, 18)


def test_uncovered_year_falls_back_without_raising():
    # SPEC W-02: 2027 is not in chinesecalendar 1.11 → fallback, reported as missing
    cal = WorkCalendar()
    assert add_working_days(at(2026, 12, 30, 10), 3, cal) == at(2027, 1, 5, 18)
    assert 2027 in cal.missing_years


def test_table_override_beats_the_library():
    # SPEC W-02: the admin table wins (2026-10-12 declared a holiday)
    from datetime import date

    cal = WorkCalendar(overrides={date(2026, 10, 12): False})
    assert add_working_days(at(2026, 10, 10, 9), 1, cal) == at(2026, 10, 13, 18)


def test_wd_hours_start_at_next_opening_on_sunday():
    # SPEC W-04: a "(wd)" 24 h rule arriving on Sunday starts Monday 08:30
    start = at(2026, 11, 22, 11)  # Sunday
    assert next_opening(start, WorkCalendar()) == at(2026, 11, 23, 8, 30)
    assert add_wall_clock(start, timedelta(hours=24), WorkCalendar(), from_next_opening=True) == at(2026, 11, 24, 8, 30)
    assert add_wall_clock(start, timedelta(hours=24), WorkCalendar()) == at(2026, 11, 23, 11)


@pytest.mark.parametrize("day,working", [((2026, 10, 10), True), ((2026, 10, 1), False), ((2026, 10, 7), False),
                                         ((2026, 9, 20), True)])
def test_adjusted_working_weekends(day, working):
    from datetime import date

    assert WorkCalendar().is_working_day(date(*day)) is working


# ---- the calendar as loaded by the engine (cached, invalidated on edits)

@pytest.fixture
def fresh_calendar():
    from core.calendar_source import reset_cache

    reset_cache()
    yield
    reset_cache()


# SPEC W-02: a clock started 2026-12-30 + 3 wd computes (2027 uncovered) and the warning appears
@pytest.mark.django_db
def test_2026_12_30_plus_3_wd_and_warning(site_a, fresh_calendar):
    from core.calendar_source import calendar_warnings
    from core.deadlines import deadline_start

    d = deadline_start(subject=site_a.units[0], code="ticket.normal.complete", now=at(2026, 12, 30, 10))
    assert d.due_at == at(2027, 1, 5, 18)  # Dec 31, Jan 4 (Jan 1 holiday, weekend), Jan 5
    assert calendar_warnings(at(2026, 11, 23, 10)) == ["2027 年节假日日历缺失"]
    from django.utils import translation

    with translation.override("en"):
        assert calendar_warnings(at(2026, 11, 23, 10)) == ["holiday calendar missing for 2027"]


# SPEC W-02: table overrides beat the library, and an edit reaches the cached calendar at once
@pytest.mark.django_db
def test_table_override_reaches_the_cached_calendar(fresh_calendar, django_assert_num_queries):
    from datetime import date

    from core.calendar_source import calendar_warnings, load_work_calendar
    from core.models import CalendarYear, HolidayOverride

    assert load_work_calendar().is_working_day(date(2026, 10, 12)) is True
    with django_assert_num_queries(0):
        load_work_calendar()  # cached: no query
    HolidayOverride.objects.create(date=date(2026, 10, 12), kind="holiday", name="test")
    cal = load_work_calendar()
    assert cal.is_working_day(date(2026, 10, 12)) is False
    assert add_working_days(at(2026, 10, 10, 9), 1, cal) == at(2026, 10, 13, 18)
    HolidayOverride.objects.create(date=date(2026, 10, 11), kind="workday", name="test")  # a Sunday
    assert load_work_calendar().is_working_day(date(2026, 10, 11)) is True
    CalendarYear.objects.create(year=2027)
    assert calendar_warnings(at(2026, 11, 23, 10)) == []


# SPEC W-03 / W-04 through the engine's public helper: working time between two moments
@pytest.mark.django_db
def test_working_time_between(fresh_calendar):
    from core.calendar_source import working_time_between

    # Wed 2026-09-30 17:00 → Thu 2026-10-08 09:30: 1 h on Sep 30, Golden Week off, 1 h on Oct 8
    assert working_time_between(at(2026, 9, 30, 17), at(2026, 10, 8, 9, 30)) == timedelta(hours=2)
    assert working_time_between(at(2026, 10, 8), at(2026, 10, 1)) == timedelta(0)


# SPEC W-04: a "(wd)" clock that starts outside office hours on a working day also waits for the opening
def test_wd_rule_outside_office_hours_on_a_working_day():
    start = at(2026, 11, 23, 20)  # Monday evening
    assert add_wall_clock(start, timedelta(hours=24), WorkCalendar(), from_next_opening=True) == at(2026, 11, 25, 8, 30)
    # Golden Week: a "(wd)" 24 h rule arriving on Oct 3 starts on Thu Oct 8 08:30
    assert add_wall_clock(at(2026, 10, 3, 10), timedelta(hours=24), WorkCalendar(),
                          from_next_opening=True) == at(2026, 10, 9, 8, 30)
