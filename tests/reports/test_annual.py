"""SPEC D-05: annual statistics — the monthly figures month by month, the year, the year before and the
change; as a page, a PDF and a spreadsheet; site isolation."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.deadlines import deadline_start
from core.models import Deadline
from reports import registry
from reports.annual import annual_blocks, change
from reports.registry import Figure, Section

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


class _Clocks(Section):
    """Counts the clocks started in the period; a rate of them against 4."""

    key = "zz_annual"
    title = "Clocks"
    order = 999

    def monthly(self, *, site_ids, start, end):
        n = Deadline.objects.filter(site_id__in=site_ids, started_at__gte=start, started_at__lt=end).count()
        return self.block(figures=[Figure("clocks", "Clocks", n),
                                   Figure("share", "Share", registry.rate(n, 4), kind=registry.RATE)])


@pytest.fixture
def clocks(site_a, site_b):
    registry.register(_Clocks)
    unit = site_a.units[0]
    for when in [(2025, 3, 5), (2026, 1, 10), (2026, 1, 20), (2026, 3, 1), (2026, 12, 31, 23, 0)]:
        deadline_start(subject=unit, code="key.reconcile", now=datetime(*when, tzinfo=SH), site_id=site_a.site.pk)
    deadline_start(subject=site_b.units[0], code="key.reconcile", now=datetime(2026, 1, 5, tzinfo=SH),
                   site_id=site_b.site.pk)  # another site: not counted
    yield
    registry.unregister(_Clocks.key)


def _table(blocks, kind):
    block = next(b for b in blocks if b.key == "zz_annual")
    return next(t for t in block.tables if t.key == f"zz_annual-{kind}")


# SPEC D-05: month by month, the year's total, last year and the change, counted by hand
def test_annual_figures_month_by_month(site_a, clocks):
    blocks = annual_blocks(site_ids=[site_a.site.pk], year=2026)
    counts = _table(blocks, "count")
    row = counts.rows[0]
    assert row[0] == "Clocks"
    assert row[1:13] == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]  # Jan … Dec (31 Dec 23:00 local is December)
    assert row[13:15] == [4, 1]  # the year, the year before
    assert row[15] == "+300.0%"
    rates = _table(blocks, "rate").rows[0]
    assert rates[13] == Decimal("1.0000") and rates[14] == Decimal("0.2500")
    assert rates[15] == "+75.0"  # points
    # an empty year: zeros, and no change to show against nothing
    empty = _table(annual_blocks(site_ids=[site_a.site.pk], year=2024), "count").rows[0]
    assert empty[1:15] == [0] * 14 and empty[15] == ""


def test_change_rules():
    # SPEC D-05
    assert change(Decimal("3"), Decimal("0"), "count") is None
    assert change(Decimal("0.5"), Decimal("0.75"), "rate") == Decimal("-0.2500")


# SPEC D-05, X-02: the page, the spreadsheet and the PDF; another site's figures are not reachable
def test_annual_page_and_downloads(client, site_a, site_b, clocks, time_machine):
    time_machine.move_to(datetime(2027, 2, 1, 9, 0, tzinfo=SH), tick=False)
    client.force_login(site_a.users["site_director"])
    url = reverse("reports:annual")
    r = client.get(url, {"year": "2026"})
    assert r.status_code == 200 and 'data-testid="table-zz_annual-count"' in r.content.decode()
    x = client.get(url, {"year": "2026", "fmt": "xlsx"})
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert "Clocks" in values and 4 in values
    p = client.get(url, {"year": "2026", "fmt": "pdf"})
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    assert client.get(url, {"site": site_b.site.pk}).status_code == 404
    assert client.get(url, {"year": "abc"}).status_code == 200  # a typed year never errs
    client.force_login(site_a.users["dept_staff"])
    assert client.get(url).status_code == 403
