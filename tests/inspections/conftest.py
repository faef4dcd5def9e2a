from datetime import datetime
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Complaint
from inspections.models import ChecklistItem, ChecklistTemplate
from inspections.services import ItemEntry
from tests.factories import BuildingFactory, UnitFactory, ZoneFactory

TZ = ZoneInfo("Asia/Shanghai")
_n = count(1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def checklist(db):
    t = ChecklistTemplate.objects.create(name="测试保洁表", area="cleaning")
    ChecklistItem.objects.create(template=t, position=1, text="楼道地面", weight=Decimal("2"), max_score=10)
    ChecklistItem.objects.create(template=t, position=2, text="电梯轿厢", weight=Decimal("1"), max_score=5)
    return t


def entries(template, scores, *, failed=(), owner=None, due_at=None, photos=None):
    """One entry per item in order: scores[i]; items whose index is in `failed` fail with `owner`."""
    items = list(template.items.order_by("position"))
    return [ItemEntry(item_id=item.pk, passed=i not in failed, score=scores[i],
                      note="地面有垃圾" if i in failed else "",
                      owner=owner if i in failed else None, due_at=due_at if i in failed else None,
                      photos=(photos or {}).get(i, []))
            for i, item in enumerate(items)]


def zone_with_unit(ns, name):
    zone = ZoneFactory(site=ns.site, name=name)
    building = BuildingFactory(site=ns.site, zone=zone, number=str(next(_n) + 10))
    unit = UnitFactory(building=building, site=ns.site, entrance="1", room="101", code=f"{building.number}-1-101",
                       floor=1)
    return zone, unit


def complaint(ns, unit, when, *, valid=True, praise=False):
    return Complaint.objects.create(
        site=ns.site, number=f"TS-T-{next(_n)}", kind=Complaint.Kind.PRAISE if praise else Complaint.Kind.COMPLAINT,
        received_at=when, received_by=ns.staff["front_desk"], unit=unit, subject="测试",
        is_valid=None if praise else valid)
