from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callbacks import hooks
from callbacks.hooks import outcome_handler
from tests.factories import BuildingFactory, ResidentFactory, UnitFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.fixture
def outcomes():
    """Registers an outcome handler for callbacks about Units (tests use Units as subjects)."""
    calls = []
    saved = {k: list(v) for k, v in hooks._handlers.items()}

    @outcome_handler("estates.unit")
    def on_outcome(*, callback, result, now, actor):
        calls.append({"callback": callback.pk, "result": result, "now": now, "actor": actor})

    yield calls
    hooks._handlers.clear()
    hooks._handlers.update(saved)


def make_units(ns, n, *, building_number="8", zone=None):
    building = BuildingFactory(site=ns.site, zone=zone or ns.zone, number=building_number)
    units = []
    for i in range(n):
        room = f"{i // 4 + 1}{i % 4 + 1:02d}"
        unit = UnitFactory(building=building, site=ns.site, entrance="1", room=room,
                           code=f"{building_number}-1-{room}", floor=i // 4 + 1)
        ResidentFactory(unit=unit, site=ns.site)
        units.append(unit)
    return units
