"""SPEC X-01: a completion entered again after rework keeps the earlier charges and materials, voided."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tickets import services
from tickets.models import Charge, Material, WorkOrder
from tickets.selectors import orders_with_approved_charges

from .helpers import complete, price, to_completed

pytestmark = pytest.mark.django_db
S = WorkOrder.Status


# SPEC X-01: rework → completion again: the first entry's charges and materials are history, not deleted
def test_completion_again_after_rework_voids_the_earlier_rows(site_a):
    order = to_completed(site_a, charges=[(price(), "2")], price_told=True)
    first_charges = list(Charge.objects.filter(order=order).values_list("pk", flat=True))
    first_materials = list(Material.objects.filter(order=order).values_list("pk", flat=True))
    assert len(first_charges) == 1 and len(first_materials) == 1
    done = order.completed_at
    order = services.work_order_rework(order=order, actor=site_a.users["front_desk"], reason="未修好",
                                       now=done + timedelta(hours=1))
    assert order.status == S.REWORK
    again = done + timedelta(hours=3)
    order = complete(site_a, WorkOrder.objects.get(pk=order.pk), now=again, charges=[(price(), "1")],
                     price_told=True)
    # the order reads only the entry in force
    assert [c.quantity for c in order.charges.all()] == [Decimal("1.00")]
    assert order.materials.count() == 1
    assert order.charges_total == price().price
    # the earlier rows are still there, voided with when and why
    old = Charge.all_objects.filter(pk__in=first_charges)
    assert old.count() == 1 and all(c.voided_at == again and c.void_reason for c in old)
    assert Material.all_objects.filter(pk__in=first_materials, voided_at=again).count() == 1
    assert Charge.all_objects.filter(order=order).count() == 2
    assert Material.all_objects.filter(order=order).count() == 2


# SPEC X-01: what fees and the settlement read counts only the rows in force
def test_voided_charges_do_not_count(site_a):
    order = to_completed(site_a, charges=[(price(), "2")], price_told=True)
    Charge.objects.filter(order=order).update(voided_at=order.completed_at, void_reason="测试")
    assert order.charges_total == Decimal("0.00")
    WorkOrder.objects.filter(pk=order.pk).update(charges_approved_by=site_a.users["cs_supervisor"])
    assert order not in orders_with_approved_charges([site_a.site.pk])


# SPEC X-01: the order's page shows the earlier entry's rows, voided (struck through, when and why), collapsed,
# and stays within its query budget (issue 21.3)
def test_order_page_shows_the_voided_rows(client, site_a, django_assert_max_num_queries):
    order = to_completed(site_a, charges=[(price(), "2")], price_told=True)
    url = order.get_absolute_url()
    client.force_login(site_a.users["front_desk"])
    assert 'data-testid="voided"' not in client.get(url).content.decode()  # nothing voided yet
    done = order.completed_at
    order = services.work_order_rework(order=order, actor=site_a.users["front_desk"], reason="未修好",
                                       now=done + timedelta(hours=1))
    again = done + timedelta(hours=3)
    complete(site_a, WorkOrder.objects.get(pk=order.pk), now=again, charges=[(price(), "1")], price_told=True)
    client.force_login(site_a.users["cs_supervisor"])
    with django_assert_max_num_queries(10):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = html[html.index('data-testid="voided"'):]
    section = section[:section.index("</details>")]
    assert "作废的记录" in section and "<del>" in section
    assert section.count('data-testid="voided-charge"') == 1 and section.count('data-testid="voided-material"') == 1
    local = timezone.localtime(again).strftime("%Y-%m-%d %H:%M")
    assert local in section and "已重新填写完工" in section  # when and why
    assert "疏通下水道 2 ×" in section  # the earlier quantity, not the one in force
