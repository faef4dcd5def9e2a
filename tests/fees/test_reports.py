"""SPEC F-03/F-04/D-02: collection rate per zone and energy use in the monthly report."""

from datetime import datetime
from decimal import Decimal

import pytest

from fees import services as svc
from fees.report_sections import FeeSection
from tests.fees.conftest import NOV, OCT, T0, TZ, read_meters

pytestmark = pytest.mark.django_db


def test_d02_collection_rate_per_zone_and_energy(site_a, fees_a):
    read_meters(site_a, fees_a, OCT, ["100", "200", "300"])
    read_meters(site_a, fees_a, NOV, ["115", "205", "300"])
    svc.bill_run_now(site=site_a.site, period=NOV, actor=site_a.users["finance"], now=T0)
    svc.payment_post(unit=site_a.units[0], amount="430.33", method="cash", actor=site_a.users["front_desk"], now=T0)
    block = FeeSection().monthly(site_ids=[site_a.site.pk], start=datetime(2026, 11, 1, tzinfo=TZ),
                                 end=datetime(2026, 12, 1, tzinfo=TZ))
    billed = block.value("billed")
    assert block.value("collected") == Decimal("430.33")
    assert block.value("collection_rate") == (Decimal("430.33") / billed * 100).quantize(Decimal("0.1"))
    zone_rows = block.table("collection_by_zone").rows
    assert zone_rows[0][1] == site_a.zone.name and zone_rows[0][3] == Decimal("430.33")
    energy = block.table("energy").rows
    assert energy[0][3] == Decimal("20.00")  # 15 + 5 m³ used in building 3
