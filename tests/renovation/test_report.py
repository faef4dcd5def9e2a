"""Issue 17 part 9 (D-01, D-02): active renovations, violations by type, acceptance on time, deposits held
and refunded; the overdue patrol on the dashboard (R-09); the gate refusal shown on the page (R-04)."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.deadlines import deadline_breach_due
from renovation import services as svc
from reports.registry import get_section
from tests.renovation.conftest import T0, TZ, active, all_pass, later

pytestmark = pytest.mark.django_db


def test_monthly_and_dashboard_figures(ns, site_b):
    ren = active(ns)
    active(site_b)  # another site: not counted
    svc.violation_record(renovation=ren, rule="waste", description="垃圾未清运", measure="deduction",
                         deduction_amount=Decimal("200"), actor=ns.users["zone_staff"], now=later(1))
    done = active(ns)
    svc.completion_declare(renovation=done, actor=ns.users["front_desk"], now=later(2))
    svc.acceptance_apply(renovation=done, actor=ns.users["front_desk"], now=later(3))
    svc.inspection_record(renovation=done, results=all_pass(), actor=ns.users["dept_staff"], now=later(3))
    svc.renovation_refund(renovation=done, actor=ns.users["finance"], now=later(4))
    section = get_section("renovation")
    block = section.monthly(site_ids=[ns.site.pk], start=datetime(2026, 11, 1, tzinfo=TZ),
                            end=datetime(2026, 12, 1, tzinfo=TZ))
    assert block.value("active") == 1 and block.value("acceptance_applied") == 1
    assert block.value("acceptance_late") == 0 and block.value("violations") == 1
    assert block.value("deposits_held") == Decimal("2000.00")
    assert block.value("deposits_refunded") == Decimal("2000.00")
    rows = dict((r[0], r[1]) for r in block.table("violations_by_rule").rows)
    assert sum(rows.values()) == 1
    with_overdue = T0.replace(hour=19)
    deadline_breach_due(now=with_overdue)
    dash = section.dashboard(site_ids=[ns.site.pk], now=with_overdue)
    assert dash.value("active") == 1 and dash.value("overdue_patrol") == 1


def test_gate_page_refuses_foreign_pass_with_message(client, ns):  # SPEC R-04
    ren, other = active(ns), active(ns)
    client.force_login(ns.users["security_officer"])
    r = client.post(reverse("renovation:gate", args=[other.pk]),
                    {"pass_number": ren.workers.get().pass_number, "tools": "大锤"})
    assert r.status_code == 200 and "属于其他装修" in r.content.decode()
    assert not other.gate_entries.exists()


def test_approve_page_refuses_while_item_failed(client, ns):  # SPEC R-02 via the page
    from tests.renovation.conftest import submitted

    ren = submitted(ns)
    svc.renovation_review(renovation=ren, results=all_pass({"facade": "封闭阳台改变外观"}),
                          actor=ns.users["dept_staff"])
    client.force_login(ns.users["center_head"])
    r = client.post(reverse("renovation:approve", args=[ren.pk]), {})
    assert r.status_code == 200 and "须修改并重新审核" in r.content.decode()
    ren.refresh_from_db()
    assert ren.status == "changes_required"
