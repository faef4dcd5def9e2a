"""Issue 19.7: dashboard and monthly-report sections of handover, suggestions, emergencies and meetings."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from emergencies import services as esvc
from handover import services as hsvc
from meetings import services as msvc
from reports.registry import autodiscover, sections
from suggestions import services as ssvc
from tests.handover.conftest import T0, UNIT, at, results

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _blocks(kind, site_ids, **kw):
    autodiscover()
    return {s.key: getattr(s, kind)(site_ids=site_ids, **kw) for s in sections()
            if s.key in ("handover", "suggestions", "emergencies", "meetings")}


# SPEC D-01, D-02 with H-01, C-15, E-01, E-02, M-01
def test_sections_count_the_records(site_a, site_b, takeover_a, time_machine):
    time_machine.move_to(T0, tick=False)
    cs = site_a.users["cs_supervisor"]
    hsvc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT, fail=2), actor=cs,
                           takeover=takeover_a, unit=site_a.units[0], due_at=at(2026, 11, 25, 18, 0),
                           reinspect_on=date(2026, 11, 26), now=T0)
    ssvc.suggestion_record(site=site_a.site, subject="增设座椅", content="小区广场增设座椅",
                           actor=site_a.users["front_desk"], now=T0)
    esvc.supply_add(site=site_a.site, name="沙袋", quantity=10, min_quantity=40, actor=site_a.users["center_head"])
    esvc.emergency_open(site=site_a.site, kind="flood", title="地下车库水浸", location="B1", started_at=T0,
                        commander=site_a.staff["center_head"], actor=site_a.users["front_desk"], now=T0)
    room = msvc.room_create(site=site_a.site, name="会议室", capacity=10, actor=site_a.users["front_desk"])
    msvc.booking_create(room=room, title="例会", organiser="物业", attendees=5, size="small",
                        starts_at=at(2026, 11, 24, 9, 0), ends_at=at(2026, 11, 24, 10, 0),
                        staff_on_duty=site_a.staff["front_desk"], actor=site_a.users["front_desk"], now=T0)
    now = at(2026, 11, 26, 9, 0)
    a = _blocks("dashboard", [site_a.site.pk], now=now)
    assert a["handover"].value("defects_open") == 1 and a["handover"].value("defects_overdue") == 1
    assert a["handover"].table("defects_by_age").rows[0][1] == 1
    assert a["suggestions"].value("suggestions_pending") == 1
    assert a["emergencies"].value("emergencies_open") == 1 and a["emergencies"].value("supplies_short") == 1
    b = _blocks("dashboard", [site_b.site.pk], now=now)
    assert b["handover"].value("defects_open") == 0 and b["emergencies"].value("supplies_short") == 0
    start, end = datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ)
    m = _blocks("monthly", [site_a.site.pk], start=start, end=end)
    assert m["handover"].value("defects_listed") == 1
    assert m["suggestions"].value("suggestions") == 1
    assert m["emergencies"].value("emergencies") == 1
    assert m["meetings"].value("meetings") == 1 and m["meetings"].value("meeting_checks") == 9
    _ = timedelta
