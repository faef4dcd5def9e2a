"""The renovation menu entry (issue 17 part 8) for the front desk, in Chinese."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_menu_entry(client, ns):
    client.force_login(ns.users["front_desk"])
    body = client.get(reverse("renovation:board")).content.decode()
    assert f'href="{reverse("renovation:board")}"' in body and "装修管理" in body
