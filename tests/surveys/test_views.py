"""Views: site isolation (404), staff pages, printing, exports, keyboard entry form."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from surveys import services
from surveys.models import Campaign, Household, Response
from tests.surveys.conftest import T0, enter, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(opened, site_a):
    campaign, _ = opened
    for h in campaign.households.select_related("unit")[:9]:
        enter(site_a, campaign, h.unit.code, {"cleaning": 1, "fees": 4}, comments="好")
    services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=2))
    campaign.refresh_from_db()
    return campaign


def _urls(c):
    return [f"/surveys/{c.pk}/", f"/surveys/{c.pk}/analysis/", f"/surveys/{c.pk}/entry/",
            f"/surveys/{c.pk}/analysis.xlsx", f"/surveys/{c.pk}/analysis.pdf",
            f"/surveys/questionnaires/{c.questionnaire_id}/"]


# SPEC X-02: another site's campaign is 404 (its existence stays hidden)
def test_other_site_gets_404(client, closed, site_b):
    client.force_login(site_b.users["site_director"])
    for url in _urls(closed):
        assert client.get(url).status_code == 404, url
    for url in (f"/surveys/{closed.pk}/approve/", f"/surveys/{closed.pk}/close/", f"/surveys/{closed.pk}/open/"):
        assert client.post(url).status_code == 404, url
    assert str(closed.title) not in client.get("/surveys/").content.decode()


def test_company_leader_sees_every_site(client, closed, company_staff):
    client.force_login(company_staff.leader.user)
    assert client.get(f"/surveys/{closed.pk}/").status_code == 200
    assert closed.title in client.get("/surveys/").content.decode()


# SPEC S-04: invalid shown as such; S-05/S-06 pages and exports
def test_staff_pages_and_exports(client, closed, site_a):
    client.force_login(site_a.users["cs_supervisor"])
    assert closed.is_valid is True
    listing = client.get("/surveys/").content.decode()
    assert 'data-valid="1"' in listing
    detail = client.get(f"/surveys/{closed.pk}/").content.decode()
    assert 'data-testid="response-rate">90.0%' in detail
    page = client.get(f"/surveys/{closed.pk}/analysis/").content.decode()
    assert 'data-testid="lowest"' in page and "chart.umd.min.js" in page
    xlsx = client.get(f"/surveys/{closed.pk}/analysis.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    fees = next(r for r in rows if r[0] == closed.questionnaire.items.get(code="fees").label)
    assert fees[1] == 9 and fees[-2] == 0 and fees[-1] == 1
    pdf = client.get(f"/surveys/{closed.pk}/analysis.pdf")
    assert pdf.content[:4] == b"%PDF"
    annual = client.get("/surveys/annual/?year=2026").content.decode()
    assert closed.title in annual
    assert 'data-testid="complaints-total">0<' in annual  # complaints' statistics of the year (none here)
    assert client.get("/surveys/annual/?year=2026&format=pdf").content[:4] == b"%PDF"
    assert client.get("/surveys/annual/?year=2026&format=xlsx").status_code == 200


def test_invalid_campaign_marked_on_pages(client, opened, site_a):
    campaign, _ = opened
    services.campaign_close(campaign=campaign, actor=site_a.users["cs_supervisor"], now=T0 + timedelta(days=1))
    client.force_login(site_a.users["cs_supervisor"])
    assert 'data-valid="0"' in client.get("/surveys/").content.decode()
    assert 'data-testid="invalid-note"' in client.get(f"/surveys/{campaign.pk}/analysis/").content.decode()


# SPEC S-02 / S-03 through the pages: approve, open → printable forms with QR codes, reprint
def test_approve_open_and_print(client, site_a):
    campaign = make_campaign(site_a, sample_size=2)
    client.force_login(site_a.users["cs_supervisor"])
    client.post(f"/surveys/{campaign.pk}/approve/")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT  # only the director approves
    client.force_login(site_a.users["site_director"])
    client.post(f"/surveys/{campaign.pk}/approve/")
    resp = client.post(f"/surveys/{campaign.pk}/open/")
    assert resp["Content-Type"] == "application/pdf" and resp.content[:4] == b"%PDF"
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN and campaign.sampled_count == 2
    h = Household.objects.filter(campaign=campaign).first()
    before = h.token_hash
    resp = client.post(f"/surveys/{campaign.pk}/reprint/{h.pk}/")
    assert resp.content[:4] == b"%PDF"
    h.refresh_from_db()
    assert h.token_hash != before


# SPEC S-03: the keyboard entry form; errors keep what was typed
def test_entry_form(client, opened, site_a):
    campaign, _ = opened
    client.force_login(site_a.users["front_desk"])
    items = list(campaign.questionnaire.items.all())
    unit = campaign.households.select_related("unit").first().unit.code
    data = {"unit": "9-9-9999", **{f"rating_{i.pk}": "2" for i in items}, "comments": "电梯慢"}
    page = client.post(f"/surveys/{campaign.pk}/entry/", data)
    html = page.content.decode()
    assert page.status_code == 200 and "9-9-9999" in html and "电梯慢" in html
    assert not Response.objects.exists()
    data["unit"] = unit
    data[f"rating_{items[0].pk}"] = "7"
    client.post(f"/surveys/{campaign.pk}/entry/", data)
    assert not Response.objects.exists()
    data[f"rating_{items[0].pk}"] = "1"
    resp = client.post(f"/surveys/{campaign.pk}/entry/", data)
    assert resp.status_code == 302
    assert Response.objects.get().channel == "paper"
    client.force_login(site_a.users["finance"])
    assert client.get(f"/surveys/{campaign.pk}/entry/").status_code == 403


def test_create_campaign_and_edit_questionnaire_pages(client, site_a):
    client.force_login(site_a.users["cs_supervisor"])
    client.post("/surveys/questionnaires/new/", {"name": "问卷", "items": "cleaning|保洁\nfees|收费"})
    from surveys.models import Questionnaire

    q = Questionnaire.objects.get()
    resp = client.post("/surveys/new/", {"site": site_a.site.pk, "title": "上半年", "kind": "routine",
                                         "questionnaire": q.pk, "sample_share": "30"})
    c = Campaign.objects.get()
    assert resp.status_code == 302 and c.sample_share == 30
    resp = client.post(f"/surveys/questionnaires/{q.pk}/edit/", {"name": "问卷", "items": "cleaning|保洁服务"})
    q2 = Questionnaire.objects.exclude(pk=q.pk).get()
    assert q2.version == 2 and resp.url == q2.get_absolute_url()
    bad = client.post("/surveys/new/", {"site": site_a.site.pk, "title": "x", "kind": "ad_hoc",
                                        "questionnaire": q.pk, "sample_size": "3"})
    assert bad.status_code == 200 and Campaign.objects.count() == 1
