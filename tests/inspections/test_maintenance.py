"""SPEC O-05: the annual maintenance plan from the company template, work orders for a year with the
right dates, a missed occurrence overdue exactly once, the year view."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline
from inspections.maintenance import occurrences_generate, plan_create, year_view
from inspections.models import MaintenanceOccurrence
from tests.inspections.conftest import at
from tickets.services import work_order_complete

pytestmark = pytest.mark.django_db

EXPECTED_2027 = sorted([
    ("房屋基础及承重结构检查", date(2027, 3, 31)), ("屋面防水层检修，翻新更换老化部分", date(2027, 3, 31)),
    ("住户外窗台密封维护检查", date(2027, 4, 30)), ("避雷网刷油漆防锈", date(2027, 4, 30)),
    ("疏通屋面雨水口", date(2027, 4, 30)), ("雨水口检查，更换不合格部分", date(2027, 4, 30)),
    ("上下水管道刷油漆", date(2027, 5, 31)), ("公共地面维护，补换损坏或空鼓地砖", date(2027, 6, 30)),
    ("通道门厅、楼梯间墙壁天棚及扶手栏杆刷新", date(2027, 8, 31)),
    ("通道门厅、楼梯间墙面铲除抹灰翻新", date(2027, 8, 31)),
    ("消防箱油漆，消防带晾晒", date(2027, 9, 30)), ("外墙清洗，较大面积渗漏局部翻新", date(2027, 10, 31)),
    ("疏通屋面雨水口", date(2027, 10, 31)), ("屋面出烟口盖板及防护罩维护", date(2027, 10, 31)),
    ("消防疏散设施维护", date(2027, 11, 30)), ("上下水管道检修，紧固管道固定码", date(2027, 11, 30)),
    ("公共地面维护，补换损坏或空鼓地砖", date(2027, 12, 31)),
])


def _run_year(site, year):
    d = date(year, 1, 1)
    while d.year == year:
        occurrences_generate(site=site, today=d, now=timezone.make_aware(datetime.combine(d, datetime.min.time()))
                             + timedelta(minutes=20))
        d += timedelta(days=1)


# SPEC O-05: yearly, every 6 months, every 2 / 3 years, before the rainy season → work orders with their dates
def test_plan_generates_work_orders_for_a_year(site_a):
    plan = plan_create(site=site_a.site, year=2027, actor=site_a.users["dept_supervisor"])
    assert plan.lines.count() == 15
    with pytest.raises(DomainError) as err:
        plan_create(site=site_a.site, year=2027)
    assert err.value.code == "exists"
    _run_year(site_a.site, 2027)
    _run_year(site_a.site, 2027)  # a second run issues nothing more
    occs = list(MaintenanceOccurrence.objects.select_related("line", "work_order").order_by("due_on", "line__item"))
    assert sorted((o.line.item, o.due_on) for o in occs) == EXPECTED_2027
    for o in occs:
        wo = o.work_order
        assert wo.category.code == "internal-work" and wo.status == "dispatched"
        assert wo.department.kind == "engineering"
        assert wo.due_at == at(o.due_on.year, o.due_on.month, o.due_on.day, 18, 0)  # office close of the due day
        # issued 30 days ahead
        assert timezone.localdate(wo.received_at) == o.due_on - timedelta(days=30)
        assert deadline_running(o, "maintenance.plan").due_at == wo.due_at
    # the 2-year and 3-year lines are not due in 2028 / 2029 respectively
    plan.lines.update(cycle_start_year=2026)
    from inspections.maintenance import occurrence_dates

    two = plan.lines.get(item="外墙清洗，较大面积渗漏局部翻新")
    three = plan.lines.get(item="通道门厅、楼梯间墙面铲除抹灰翻新")
    assert [bool(occurrence_dates(two, y)) for y in (2026, 2027, 2028)] == [True, False, True]
    assert [bool(occurrence_dates(three, y)) for y in (2026, 2027, 2028, 2029)] == [True, False, False, True]


# SPEC O-05: a completed order marks its occurrence done; a missed one is overdue exactly once
def test_missed_occurrence_overdue_once(site_a):
    plan_create(site=site_a.site, year=2027)
    occurrences_generate(site=site_a.site, today=date(2027, 3, 1), now=at(2027, 3, 1, 0, 20))
    found = MaintenanceOccurrence.objects.select_related("line", "work_order").filter(due_on=date(2027, 3, 31))
    missed = found.get(line__item="房屋基础及承重结构检查")
    done = found.get(line__item="屋面防水层检修，翻新更换老化部分")
    work_order_complete(order=done.work_order, actor=site_a.users["dept_supervisor"],
                        arrived_at=at(2027, 3, 20, 9, 0), finished_at=at(2027, 3, 20, 15, 0), cause="定期维护",
                        work_done="屋面防水层检修", labour_hours=6, now=at(2027, 3, 20, 16, 0))
    done.refresh_from_db()
    assert done.done_at == at(2027, 3, 20, 15, 0) and deadline_running(done, "maintenance.plan") is None
    deadline_breach_due(now=at(2027, 3, 31, 17, 59))
    missed.refresh_from_db()
    assert not missed.overdue
    deadline_breach_due(now=at(2027, 3, 31, 18, 1))
    deadline_breach_due(now=at(2027, 4, 1, 9, 0))
    missed.refresh_from_db()
    assert missed.overdue
    assert Deadline.objects.filter(code="maintenance.plan", subject_id=missed.pk,
                                   state=Deadline.State.BREACHED).count() == 1
    occurrences_generate(site=site_a.site, today=date(2027, 4, 1), now=at(2027, 4, 1, 0, 20))
    rows = {r["line"].item: r["cells"] for r in year_view(done.line.plan, today=date(2027, 4, 1))}
    assert rows["房屋基础及承重结构检查"][2] == "overdue"
    assert rows["屋面防水层检修，翻新更换老化部分"][2] == "done"
    assert rows["避雷网刷油漆防锈"][3] == "issued"
    assert rows["消防箱油漆，消防带晾晒"][8] == "planned"


# SPEC O-05 pages: the plan from the template, the year view, the register with a checked document, 404
def test_plan_and_equipment_pages(client, site_a, site_b):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from inspections.models import Equipment, MaintenancePlan

    client.force_login(site_a.users["dept_supervisor"])
    r = client.post("/inspections/plans/new/", {"year": "2027", "rainy_season_month": "5"})
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "房屋基础及承重结构检查" in page and 'data-state="planned"' in page
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, format="PNG")
    r = client.post("/inspections/equipment/new/", {
        "name": "1号生活水泵", "location": "地下泵房", "category": "给排水", "installed_on": "2024-05-01",
        "warranty_end": "2023-05-01"})
    assert r.status_code == 422  # warranty before installation
    r = client.post("/inspections/equipment/new/", {
        "name": "1号生活水泵", "location": "地下泵房", "category": "给排水", "installed_on": "2024-05-01",
        "warranty_end": "2027-05-01", "document": SimpleUploadedFile("m.png", buf.getvalue()),
        "document_title": "铭牌"})
    assert r.status_code == 302
    e = Equipment.objects.get()
    assert client.get(f"/inspections/equipment/document/{e.documents.get().pk}/").status_code == 200
    r = client.post("/inspections/equipment/new/", {
        "name": "x", "location": "y", "category": "z", "document": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert r.status_code == 422
    other = plan_create(site=site_b.site, year=2027)
    assert client.get(f"/inspections/plans/{other.pk}/").status_code == 404
    assert MaintenancePlan.objects.count() == 2
