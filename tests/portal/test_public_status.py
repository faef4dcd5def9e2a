"""Issue 22.1 / SPEC P-03, T-02: the receipt part's QR opens the order's public status — number, category,
status, deadline — by an unguessable token, without a login and without personal data."""

import pytest
from django.urls import reverse

from core.pdf_worker import qr_text
from tests.tickets.helpers import register
from tickets.models import WorkOrder
from tickets.printing import order_context

pytestmark = pytest.mark.django_db


def test_public_status_without_login_and_without_personal_data(client, site_a):
    order = register(site_a, reporter_name="王建国", phone="13912345678")
    resp = client.get(reverse("portal:public_status", args=[order.public_token]))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert order.number in html and order.category.name in html and str(order.status_label) in html
    assert f"{order.due_at.astimezone(order.due_at.tzinfo):%Y}" in html
    for personal in (order.reporter_name, order.phone, order.unit.code, site_a.residents[0].name, order.content):
        assert personal not in html


def test_the_token_is_unguessable_and_not_the_id(client, site_a):
    order = register(site_a)
    other = register(site_a)
    assert len(order.public_token) >= 24 and order.public_token != other.public_token
    assert str(order.pk) != order.public_token
    assert client.get(reverse("portal:public_status", args=[str(order.pk)])).status_code == 404
    assert client.get(reverse("portal:public_status", args=[order.number])).status_code == 404
    assert WorkOrder.objects.filter(public_token=order.public_token).count() == 1


def test_the_receipt_qr_carries_the_public_status_url(site_a):
    order = register(site_a)
    ctx = order_context(order)
    assert ctx["status_url"].endswith(reverse("portal:public_status", args=[order.public_token]))
    # issue 21.4: the QR is made where the form is laid out; its source names exactly what it encodes
    assert qr_text(ctx["status_qr"]) == ctx["status_url"] and ctx["status_qr"] != ctx["qr"]
