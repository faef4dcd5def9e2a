"""Issue 22 / SPEC P-01: every resident URL shows only the resident's own household — another household's
record (same site or another site) is a 404."""

import pytest
from django.urls import reverse

from complaints.services import complaint_receive
from portal import services
from tests.portal.conftest import open_account, png
from tests.tickets.helpers import register
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


def _complaint(s, unit):
    return complaint_receive(site=s.site, actor=s.users["front_desk"], subject="噪音", unit=s.units[unit],
                             resident=s.residents[unit])


def _records(s, unit, account):
    order = register(s, unit=unit)
    report = services.report_submit(account=account, kind="repair", content="漏水", photos=[png()])
    return {"order": order, "complaint": _complaint(s, unit), "report": report}


def _urls(rec):
    photo = rec["report"].photos.get()
    return [reverse("portal:order_detail", args=[rec["order"].pk]),
            reverse("portal:complaint_detail", args=[rec["complaint"].pk]),
            reverse("portal:report_detail", args=[rec["report"].pk]),
            reverse("portal:report_photo", args=[rec["report"].pk, photo.pk])]


def test_every_resident_url_is_own_household_only(client, household, site_b):
    s = household.s
    mine = _records(s, 0, household.account)
    neighbour = _records(s, 1, open_account(s, 1))
    elsewhere = _records(site_b, 0, open_account(site_b, 0))
    client.force_login(household.account.user)
    for url in _urls(mine):
        assert client.get(url).status_code == 200, url
    for url in _urls(neighbour) + _urls(elsewhere):
        assert client.get(url).status_code == 404, url
    for name in ("portal:home", "portal:order_list", "portal:complaint_list", "portal:report_list",
                 "portal:notice_list"):
        html = client.get(reverse(name)).content.decode()
        for rec in (neighbour, elsewhere):  # numbers repeat across sites: look for the links
            for url in _urls(rec):
                assert f'href="{url}"' not in html
    assert WorkOrder.objects.count() == 3
