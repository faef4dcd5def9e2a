"""Issue 13.3: a campaign's sample size and share are bounded in the form and in the database."""

import pytest
from django.db import IntegrityError, transaction

from surveys.models import Campaign, Questionnaire
from tests.surveys.conftest import make_campaign

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field,value", [("sample_size", "1" * 40), ("sample_size", "1e309"),
                                         ("sample_share", "NaN"), ("sample_share", "1e309"),
                                         ("sample_share", "1" * 40), ("sample_share", "-5")])
def test_campaign_form_refuses_bad_numbers(client, site_a, field, value):
    client.force_login(site_a.users["cs_supervisor"])
    client.post("/surveys/questionnaires/new/", {"name": "问卷", "items": "cleaning|保洁\nfees|收费"})
    q = Questionnaire.objects.get()
    resp = client.post("/surveys/new/", {"site": site_a.site.pk, "title": "上半年", "kind": "routine",
                                         "questionnaire": q.pk, field: value})
    assert resp.status_code == 200 and field in resp.context["form"].errors
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("values", [{"sample_size": 0}, {"sample_size": 10**6}, {"sample_share": 0},
                                    {"sample_share": 101}])
def test_campaign_bounds_in_database(site_a, values):
    campaign = make_campaign(site_a, sample_size=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(**values)
