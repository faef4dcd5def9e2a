"""SPEC S-03: the resident's one-time link — no login, ≥128 bits, works once, expires at close."""

import hashlib
from datetime import timedelta

import pytest

from core.deadlines import deadline_breach_due
from surveys import services
from surveys.models import Household, Rating, Response
from tests.surveys.conftest import T0

pytestmark = pytest.mark.django_db


def _post(items, grade=1):
    data = {f"rating_{i.pk}": str(grade) for i in items}
    data.update({"comments": "电梯经常故障", "expectations": "希望增加停车位", "resident_type": "owner"})
    return data


# SPEC S-03: only a sha256 of the token is stored, the token is long enough
def test_token_is_unguessable_and_only_its_hash_is_stored(opened):
    campaign, tokens = opened
    assert len(tokens) == 10
    for hid, token in tokens.items():
        assert len(token) >= 32  # token_urlsafe(24): 192 bits
        h = Household.objects.get(pk=hid)
        assert h.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in h.token_hash
    assert len(set(tokens.values())) == 10


# SPEC S-03: the link works once; a second submission gets a clear page and changes nothing
def test_link_works_once_without_login(client, opened, time_machine):
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    campaign, tokens = opened
    hid, token = next(iter(tokens.items()))
    url = f"/surveys/r/{token}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="survey-form"' in html
    assert "/surveys/" not in html.replace(url, "")  # shows nothing else of the system
    assert "navbar" not in html
    items = list(campaign.questionnaire.items.all())
    done = client.post(url, _post(items))
    assert 'data-testid="thanks"' in done.content.decode()
    campaign.refresh_from_db()
    assert campaign.returned_count == 1
    assert Rating.objects.filter(campaign=campaign).count() == len(items)
    resp = Response.objects.get(household_id=hid)
    assert resp.channel == "link" and resp.comments == "电梯经常故障" and resp.entered_by is None
    again = client.post(url, _post(items, grade=5))
    assert 'data-testid="link-used"' in again.content.decode()
    assert Rating.objects.filter(campaign=campaign).count() == len(items)
    assert not Rating.objects.filter(campaign=campaign, grade=5).exists()
    assert 'data-testid="link-used"' in client.get(url).content.decode()


# SPEC S-03: a rating outside the 5-level scale is refused, nothing saved, the form is shown again
def test_rating_outside_the_scale_is_refused(client, opened, time_machine):
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    campaign, tokens = opened
    token = next(iter(tokens.values()))
    items = list(campaign.questionnaire.items.all())
    data = _post(items)
    data[f"rating_{items[0].pk}"] = "6"
    page = client.post(f"/surveys/r/{token}/", data)
    assert page.status_code == 200 and 'data-testid="survey-form"' in page.content.decode()
    assert not Response.objects.exists()
    with pytest.raises(services.DomainError):
        services.response_submit_by_link(token=token, ratings={items[0].pk: 0}, profile={},
                                         now=T0 + timedelta(hours=2))
    assert not Response.objects.exists()


# SPEC S-03: the link expires when collection closes (by the sweep) and then changes nothing
def test_link_dead_after_collection_closes(client, opened, time_machine):
    campaign, tokens = opened
    token = next(iter(tokens.values()))
    deadline_breach_due(now=T0 + timedelta(days=7, minutes=1))
    time_machine.move_to(T0 + timedelta(days=7, minutes=2), tick=False)
    page = client.get(f"/surveys/r/{token}/")
    assert page.status_code == 410 and 'data-testid="link-closed"' in page.content.decode()
    items = list(campaign.questionnaire.items.all())
    client.post(f"/surveys/r/{token}/", _post(items))
    assert not Response.objects.exists()
    with pytest.raises(services.DomainError):
        services.response_submit_by_link(token=token, ratings={items[0].pk: 1}, profile={},
                                         now=T0 + timedelta(days=7, minutes=3))


# SPEC S-03: past the due time the link is dead even before the sweep has run
def test_link_dead_after_due_time_before_sweep(client, opened, time_machine):
    campaign, tokens = opened
    token = next(iter(tokens.values()))
    time_machine.move_to(T0 + timedelta(days=7, seconds=1), tick=False)
    assert client.get(f"/surveys/r/{token}/").status_code == 410


# SPEC S-03: reprint issues a new link and the old one stops working; unknown tokens get a clear page
def test_reprint_invalidates_the_old_link(client, opened, site_a, time_machine):
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    campaign, tokens = opened
    hid, old = next(iter(tokens.items()))
    new = services.household_reissue(campaign=campaign, households=[Household.objects.get(pk=hid)],
                                      actor=site_a.users["cs_supervisor"])
    assert list(new) == [hid] and new[hid] != old
    assert 'data-testid="link-invalid"' in client.get(f"/surveys/r/{old}/").content.decode()
    assert client.get(f"/surveys/r/{new[hid]}/").status_code == 200
    assert client.get("/surveys/r/not-a-real-token/").status_code == 410


def test_public_prefix_serves_only_the_link(client, opened):
    """Everything else of the app still needs login."""
    campaign, _ = opened
    for url in ("/surveys/", f"/surveys/{campaign.pk}/", f"/surveys/{campaign.pk}/analysis/"):
        assert client.get(url).status_code == 302
