"""Demo data: idempotent, fast, every role at both sites (issue 3, part 10)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.roles import Role
from estates.demo import DEMO_PASSWORD, demo_logins, seed
from estates.models import Department, DutyShift, Resident, Site, Staff, Unit, Zone

pytestmark = pytest.mark.django_db


def test_seed_is_complete_fast_and_idempotent():
    start = time.monotonic()
    seed(now=timezone.now(), stdout=None)
    assert time.monotonic() - start < 20
    assert set(Site.objects.values_list("code", flat=True)) == {"SSTY", "LYXQ"}
    assert 900 <= Unit.objects.count() <= 1100
    assert Resident.objects.filter(kind="member").exists() and Resident.objects.count() > 900
    assert all(len(p) == 11 and p.startswith("1") for p in Resident.objects.exclude(phone="").values_list(
        "phone", flat=True)[:200])
    assert not Zone.objects.filter(manager__isnull=True).exists()
    for site in Site.objects.all():
        assert set(Department.objects.filter(site=site).values_list("kind", flat=True)) == set(Department.Kind.values)
    User = get_user_model()
    for username, _desc in demo_logins():
        u = User.objects.get(username=username)
        assert u.email == f"{username}@propserv.local"
        assert u.check_password(DEMO_PASSWORD)
    for role in Role:
        if role in (Role.COMPANY_LEADER, Role.EXECUTIVE):
            assert Staff.objects.get(user__username=role.value).site is None
            continue
        for code in ("ssty", "lyxq"):
            staff = Staff.objects.get(user__username=f"{code}_{role.value}")
            assert staff.user.groups.filter(name=role.value).exists()
            assert staff.site.code == code.upper()
    assert User.objects.get(username="admin").is_superuser
    assert DutyShift.objects.filter(site__code="SSTY").exists()
    counts = (Unit.objects.count(), Resident.objects.count(), Staff.objects.count(), DutyShift.objects.count())
    seed(now=timezone.now(), stdout=None)
    assert (Unit.objects.count(), Resident.objects.count(), Staff.objects.count(),
            DutyShift.objects.count()) == counts


def test_demo_week_has_one_visible_gap():
    # SPEC O-03
    from datetime import timedelta

    from core.calendar_source import load_work_calendar
    from estates.roster import week_gaps

    now = timezone.now()
    seed(now=now, stdout=None)
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    gaps = {}
    for site in Site.objects.all():
        by_day = {}
        for s in DutyShift.objects.filter(site=site):
            by_day.setdefault(s.date, []).append((s.start, s.end))
        g = week_gaps(by_day, monday, load_work_calendar(), site.office_open, site.office_close)
        gaps[site.code] = sum(len(v) for v in g.values())
    working = sum(load_work_calendar().is_working_day(monday + timedelta(days=i)) for i in range(7))
    assert gaps == {"SSTY": 1 if working else 0, "LYXQ": 0}
