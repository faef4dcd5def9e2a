"""S-03 responses: by the resident's link or entered from paper."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.service_kit import as_user, lock_row
from estates.actors import Actor
from surveys import permissions
from surveys.models import (
    Campaign,
    Grade,
    Household,
    Rating,
    Response,
)
from surveys.services._common import _deny, hash_token


def _clean_ratings(campaign: Campaign, ratings: Mapping[Any, Any]) -> dict[int, int]:
    item_ids = set(campaign.questionnaire.items.values_list("pk", flat=True))
    cleaned: dict[int, int] = {}
    for key, value in ratings.items():
        if value in (None, ""):
            continue
        try:
            item_id, grade = int(key), int(value)
        except (TypeError, ValueError):
            raise DomainError(_("A rating must be a number from 1 to 5."), code="grade") from None
        if item_id not in item_ids:
            raise DomainError(_("This item is not on the campaign's questionnaire."), code="item")
        if grade not in Grade.values:  # SPEC S-01: the 5-level scale only
            raise DomainError(_("A rating must be a number from 1 to 5."), code="grade")
        cleaned[item_id] = grade
    if not cleaned:
        raise DomainError(_("Rate at least one item."), code="no_ratings")
    return cleaned


_PROFILE = ("comments", "expectations", "age_band", "gender", "occupation", "resident_type")


def _record_response(*, campaign: Campaign, household: Household, channel: str, ratings: dict[int, int],
                     profile: Mapping[str, Any], actor: Actor | None, now: datetime) -> Response:
    data = {k: (profile.get(k) or "").strip() for k in _PROFILE}
    for field in ("age_band", "gender", "occupation", "resident_type"):
        allowed = {c for c, _label in Response._meta.get_field(field).choices or ()}  # type: ignore[union-attr]
        if data[field] and data[field] not in allowed:
            raise DomainError(_("Choose one of the listed answers."), code=field)
    response = Response.objects.create(campaign=campaign, household=household, channel=channel, submitted_at=now,
                                       entered_by=as_user(actor), **data)
    Rating.objects.bulk_create([Rating(response=response, campaign=campaign, item_id=i, grade=g)
                                for i, g in ratings.items()])
    household.responded = True  # SPEC S-03: the link works once (the hash stays, to say "already used")
    household.save(update_fields=["responded"])
    Campaign.objects.filter(pk=campaign.pk).update(returned_count=campaign.households.filter(responded=True).count())
    return response


def household_for_token(token: str) -> Household | None:
    if not token or len(token) > 200:
        return None
    return (Household.objects.select_related("campaign__questionnaire", "campaign__site", "unit")
            .filter(token_hash=hash_token(token)).first())


def link_open(campaign: Campaign, now: datetime) -> bool:
    """A link expires when collection closes (status, or the due time even before the sweep ran)."""
    return campaign.status == Campaign.Status.OPEN and not (campaign.closes_at and now >= campaign.closes_at)


@transaction.atomic
def response_submit_by_link(*, token: str, ratings: Mapping[Any, Any], profile: Mapping[str, Any],
                            now: datetime | None = None) -> Response:
    """SPEC S-03: the resident answers through the one-time link (no login)."""
    now = now or timezone.now()
    household = household_for_token(token)
    if household is None:
        raise DomainError(_("This link is not valid (a newer form may have replaced it)."), code="link_invalid")
    campaign = Campaign.objects.select_for_update().get(pk=household.campaign_id)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.responded or household.token_hash != hash_token(token):
        raise DomainError(_("This link has already been used. Thank you, your answers were recorded."),
                          code="link_used")
    if not link_open(campaign, now):
        raise DomainError(_("This survey is closed."), code="link_expired")
    cleaned = _clean_ratings(campaign, ratings)
    return _record_response(campaign=campaign, household=household, channel=Response.Channel.LINK,
                            ratings=cleaned, profile=profile, actor=None, now=now)


@transaction.atomic
def response_enter_paper(*, campaign: Campaign, unit_code: str, ratings: Mapping[Any, Any],
                         profile: Mapping[str, Any], actor: User, now: datetime | None = None) -> Response:
    """SPEC S-03: staff enter a returned paper form; only households in the sample count."""
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_enter(actor, campaign):
        raise _deny(_("You may not enter forms for this campaign."))
    if campaign.status != Campaign.Status.OPEN:
        raise _deny(_("Forms are entered only while the campaign is collecting."), code="state")
    household = (campaign.households.select_for_update().select_related("unit")
                 .filter(unit__code=unit_code.strip()).first())
    if household is None:
        raise DomainError(_("Unit %(unit)s is not in this campaign's sample.") % {"unit": unit_code.strip()},
                          code="not_sampled")
    if household.responded:
        raise DomainError(_("The form of unit %(unit)s was already entered.") % {"unit": household.unit.code},
                          code="already_returned")
    cleaned = _clean_ratings(campaign, ratings)
    return _record_response(campaign=campaign, household=household, channel=Response.Channel.PAPER,
                            ratings=cleaned, profile=profile, actor=actor, now=now)
