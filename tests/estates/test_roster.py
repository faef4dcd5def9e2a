"""SPEC O-03: the front-desk duty roster shows gaps during office hours on working days."""

from datetime import date, time

import pytest
from django.urls import reverse

from core.calendar_source import load_work_calendar
from core.errors import DomainError
from core.worktime import WorkCalendar
from estates.models import DutyShift
from estates.roster import day_gaps, week_gaps
from estates.services import duty_shift_add, duty_shift_cancel

T = time


# SPEC O-03
@pytest.mark.parametrize(("shifts", "gaps"), [
    ([], [(T(8, 30), T(18, 0))]),
    ([(T(8, 30), T(13, 0)), (T(13, 0), T(18, 0))], []),
    ([(T(8, 30), T(13, 0)), (T(13, 0), T(17, 0))], [(T(17, 0), T(18, 0))]),
    ([(T(9, 0), T(12, 0)), (T(11, 0), T(14, 0)), (T(14, 1), T(19, 0))],
     [(T(8, 30), T(9, 0)), (T(14, 0), T(14, 1))]),
    ([(T(7, 0), T(20, 0))], []),
    ([(T(19, 0), T(22, 0))], [(T(8, 30), T(18, 0))]),
    ([(T(12, 0), T(13, 0)), (T(8, 0), T(9, 0))], [(T(9, 0), T(12, 0)), (T(13, 0), T(18, 0))]),
])
def test_day_gaps(shifts, gaps):
    assert day_gaps(shifts, T(8, 30), T(18, 0)) == gaps


def test_week_gaps_only_on_working_days_including_adjusted_weekends():
    # SPEC O-03 with W-02: Thu 2026-10-01 … Wed 10-07 are holidays, Sat 10-10 is a working day
    cal = WorkCalendar()
    full = [(T(8, 30), T(18, 0))]
    gaps = week_gaps({date(2026, 10, 5): [], date(2026, 10, 8): full, date(2026, 10, 9): full},
                     date(2026, 10, 5), cal, T(8, 30), T(18, 0))
    assert gaps[date(2026, 10, 5)] == []        # Monday, but a National Day holiday
    assert gaps[date(2026, 10, 8)] == []        # covered
    assert gaps[date(2026, 10, 10)] == [(T(8, 30), T(18, 0))]  # adjusted working Saturday, nobody on duty
    assert gaps[date(2026, 10, 11)] == []       # Sunday


@pytest.mark.django_db
def test_roster_page_highlights_the_gap(client, site_a):
    # SPEC O-03
    sup, fd = site_a.users["cs_supervisor"], site_a.staff["front_desk"]
    day = date(2026, 11, 23)  # Monday, a working day
    assert load_work_calendar().is_working_day(day)
    duty_shift_add(site=site_a.site, staff=fd, day=day, start=T(8, 30), end=T(12, 0), actor=sup)
    duty_shift_add(site=site_a.site, staff=site_a.staff["cs_supervisor"], day=day, start=T(12, 30), end=T(18, 0),
                   actor=sup)
    client.force_login(site_a.users["front_desk"])
    r = client.get(reverse("estates:roster"), {"week": "2026-11-25"})
    assert r.status_code == 200
    monday = r.context["week"][0]
    assert monday["day"] == day and monday["gaps"] == [(T(12, 0), T(12, 30))]
    assert r.context["week"][5]["gaps"] == []  # Saturday: no office hours
    assert r.context["week"][1]["gaps"] == [(T(8, 30), T(18, 0))]
    assert not r.context["may_keep"]  # the front desk reads, the CS supervisor keeps it


@pytest.mark.django_db
def test_only_supervisors_keep_the_roster_and_cancel_needs_reason(client, site_a):
    # SPEC O-03
    fd = site_a.staff["front_desk"]
    with pytest.raises(DomainError):
        duty_shift_add(site=site_a.site, staff=fd, day=date(2026, 11, 23), start=T(9, 0), end=T(10, 0),
                       actor=site_a.users["front_desk"])
    with pytest.raises(DomainError):  # an engineer does not keep the front desk
        duty_shift_add(site=site_a.site, staff=site_a.staff["dept_staff"], day=date(2026, 11, 23), start=T(9, 0),
                       end=T(10, 0), actor=site_a.users["cs_supervisor"])
    client.force_login(site_a.users["cs_supervisor"])
    r = client.post(reverse("estates:roster_add"), {"site": site_a.site.pk, "staff": fd.pk, "date": "2026-11-23",
                                                    "start": "08:30", "end": "18:00"})
    assert r.status_code == 302
    shift = DutyShift.objects.get()
    with pytest.raises(DomainError):
        duty_shift_add(site=site_a.site, staff=fd, day=date(2026, 11, 23), start=T(17, 0), end=T(19, 0),
                       actor=site_a.users["cs_supervisor"])  # overlaps
    with pytest.raises(DomainError):
        duty_shift_cancel(shift=shift, actor=site_a.users["cs_supervisor"], reason="")
    client.post(reverse("estates:roster_cancel", args=[shift.pk]), {"reason": "病假"})
    shift.refresh_from_db()
    assert shift.cancelled and shift.cancel_reason == "病假"
