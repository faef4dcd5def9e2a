"""S-02..S-04 campaigns: create, approve, sample, open, reissue, close, cancel."""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.deadlines import deadline_cancel, deadline_start, deadline_stop, policy_limit
from core.errors import DomainError
from core.service_kit import as_user, lock_row
from estates.actors import Actor
from estates.models import Unit
from surveys import permissions
from surveys.models import (
    Campaign,
    CampaignEvent,
    Household,
    Questionnaire,
)
from surveys.services._common import (
    COLLECTION,
    NEW_SERVICE_WINDOW,
    VALID_DEN,
    VALID_NUM,
    _deny,
    cadence_end,
    hash_token,
)


@transaction.atomic
def campaign_create(*, site: Any, title: str, kind: str, questionnaire: Questionnaire, actor: Actor | None = None,
                    zone: Any = None, sample_size: int | None = None, sample_share: Decimal | None = None,
                    launch_date: date | None = None, incident: str = "", seed: int | None = None,
                    now: datetime | None = None) -> Campaign:
    now = now or timezone.now()
    if actor is not None and not permissions.can_organise(actor, site.pk):
        raise _deny(_("You may not organise surveys at this site."))
    if zone is not None and zone.site_id != site.pk:
        raise DomainError(_("The zone belongs to another site."), code="zone")
    if questionnaire.site_id not in (None, site.pk):
        raise DomainError(_("The questionnaire belongs to another site."), code="questionnaire")
    if not sample_size and not sample_share:
        raise DomainError(_("Give a sample size or a sample share."), code="sampling_plan")
    if kind == Campaign.Kind.NEW_SERVICE:
        if launch_date is None:
            raise DomainError(_("A new-service campaign needs the service's launch date."), code="launch_date")
        today = timezone.localdate(now)
        if not (launch_date <= today <= cadence_end(NEW_SERVICE_WINDOW, site.pk, launch_date)):  # S-02 policy
            raise DomainError(_("A new-service campaign runs within %(limit)s after the launch date.")
                              % {"limit": policy_limit(NEW_SERVICE_WINDOW, site.pk)}, code="launch_date")
    if kind == Campaign.Kind.AD_HOC and not incident.strip():
        raise DomainError(_("Describe the incident this ad-hoc campaign follows."), code="incident")
    campaign = Campaign.objects.create(
        site=site, zone=zone, title=title, kind=kind, questionnaire=questionnaire, sample_size=sample_size or None,
        sample_share=sample_share or None, launch_date=launch_date, incident=incident,
        seed=seed if seed is not None else secrets.randbits(62), created_by=as_user(actor))
    if not questionnaire.frozen:  # SPEC S-01: used by a campaign → frozen
        Questionnaire.objects.filter(pk=questionnaire.pk).update(frozen=True)
        questionnaire.frozen = True
    CampaignEvent.record(campaign, actor=actor, kind="created", at=now,
                         data={"seed": campaign.seed, "questionnaire": str(questionnaire)})
    return campaign


@transaction.atomic
def campaign_approve(*, campaign: Campaign, actor: Actor | None, now: datetime | None = None) -> Campaign:
    """SPEC S-02: the site director approves the questionnaire and the sampling plan."""
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_approve(actor, campaign):
        raise _deny(_("Only the site director approves a survey campaign."))
    if not can_proceed(campaign.approve):
        raise _deny(_("This campaign cannot be approved now."), code="state")
    campaign.approve(by=as_user(actor), at=now)
    campaign.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    CampaignEvent.record(campaign, actor=actor, kind="approved", at=now,
                         data={"changes": {"status": ["draft", "approved"]},
                               "sample_size": campaign.sample_size, "sample_share": str(campaign.sample_share or "")})
    return campaign


def sample_frame(campaign: Campaign) -> list[int]:
    """Unit ids with an active resident at the site (zone), ordered by id (the reproducible frame)."""
    qs = Unit.objects.filter(site_id=campaign.site_id, residents__is_active=True)
    if campaign.zone_id:
        qs = qs.filter(building__zone_id=campaign.zone_id)
    return list(qs.order_by("id").values_list("id", flat=True).distinct())


def sample_draw(campaign: Campaign, frame: list[int] | None = None) -> list[int]:
    """SPEC S-03: random.Random(seed) over the frame — the same campaign redraws the same households."""
    frame = sample_frame(campaign) if frame is None else frame
    k = campaign.sample_size or math.ceil(len(frame) * Decimal(campaign.sample_share or 0) / 100)
    k = min(max(k, 0), len(frame))
    return random.Random(campaign.seed).sample(frame, k)


def _issue_token(household: Household, now: datetime) -> str:
    token = secrets.token_urlsafe(24)  # 192 bits; only its sha256 is stored
    household.token_hash = hash_token(token)
    household.token_issued_at = now
    household.save(update_fields=["token_hash", "token_issued_at"])
    return token


@transaction.atomic
def campaign_open(*, campaign: Campaign, actor: User, now: datetime | None = None) -> dict[int, str]:
    """Draw the sample, issue one-time links, start the 7-day clock. Returns {household id: token}:
    the tokens exist only in this return value (print them now)."""
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_organise(actor, campaign.site_id):
        raise _deny(_("You may not open this campaign."))
    if not can_proceed(campaign.open):
        raise _deny(_("Only an approved campaign can be opened."), code="state")
    unit_ids = sample_draw(campaign)
    if not unit_ids:
        raise DomainError(_("No household with a resident to sample."), code="empty_sample")
    Household.objects.bulk_create([Household(campaign=campaign, unit_id=uid, position=i + 1)
                                   for i, uid in enumerate(unit_ids)])
    deadline = deadline_start(subject=campaign, code=COLLECTION, now=now, site_id=campaign.site_id)
    campaign.open(at=now, closes_at=deadline.due_at)
    campaign.sampled_count = len(unit_ids)
    campaign.save(update_fields=["status", "opened_at", "closes_at", "sampled_count", "updated_at"])
    tokens = {h.pk: _issue_token(h, now) for h in campaign.households.all()}
    CampaignEvent.record(campaign, actor=actor, kind="opened", at=now,
                         data={"changes": {"status": ["approved", "open"]}, "sampled": len(unit_ids),
                               "closes_at": deadline.due_at.isoformat()})
    return tokens


@transaction.atomic
def household_reissue(*, campaign: Campaign, households: Iterable[Household] | None = None, actor: User,
                      now: datetime | None = None) -> dict[int, str]:
    """Reprint: new links for the given (default: every unanswered) household; the old links stop working."""
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_organise(actor, campaign.site_id):
        raise _deny(_("You may not print this campaign's forms."))
    if campaign.status != Campaign.Status.OPEN:
        raise _deny(_("Forms are printed only while the campaign is collecting."), code="state")
    qs = campaign.households.select_for_update().filter(responded=False)
    if households is not None:
        qs = qs.filter(pk__in=[h.pk for h in households])
    tokens = {h.pk: _issue_token(h, now) for h in qs}
    CampaignEvent.record(campaign, actor=actor, kind="reprinted", at=now, data={"households": len(tokens)})
    return tokens


def _validity(returned: int, sampled: int) -> tuple[Decimal, bool]:
    if not sampled:
        return Decimal("0.0000"), False
    rate = (Decimal(returned) / Decimal(sampled)).quantize(Decimal("0.0001"))
    return rate, returned * VALID_DEN > sampled * VALID_NUM  # SPEC S-04: exceeds 85 %


def _close(campaign: Campaign, *, now: datetime, actor: User | None, how: str) -> Campaign:
    campaign.close(at=now)
    returned = campaign.households.filter(responded=True).count()
    campaign.returned_count = returned
    campaign.response_rate, campaign.is_valid = _validity(returned, campaign.sampled_count)
    campaign.save(update_fields=["status", "closed_at", "returned_count", "response_rate", "is_valid", "updated_at"])
    CampaignEvent.record(campaign, actor=actor, kind=how, at=now,
                         data={"changes": {"status": ["open", "closed"]}, "returned": returned,
                               "sampled": campaign.sampled_count, "response_rate": str(campaign.response_rate),
                               "valid": campaign.is_valid})
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: User, now: datetime | None = None) -> Campaign:
    """Close early (every form is back). The usual close is the 7-day clock (deadline_handlers)."""
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_organise(actor, campaign.site_id):
        raise _deny(_("You may not close this campaign."))
    if not can_proceed(campaign.close):
        raise _deny(_("Only a collecting campaign can be closed."), code="state")
    deadline_stop(subject=campaign, code=COLLECTION, now=now)
    return _close(campaign, now=now, actor=actor, how="closed")


def campaign_close_by_deadline(*, campaign: Campaign, now: datetime) -> Campaign | None:
    """SPEC S-03: the collection clock breached → close and compute validity (inside the sweep)."""
    campaign = lock_row(campaign)
    if campaign.status != Campaign.Status.OPEN:
        return None
    return _close(campaign, now=now, actor=None, how="closed_by_deadline")


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, reason: str, actor: User, now: datetime | None = None) -> Campaign:
    now = now or timezone.now()
    campaign = lock_row(campaign)
    if not permissions.can_organise(actor, campaign.site_id):
        raise _deny(_("You may not cancel this campaign."))
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason")
    if not can_proceed(campaign.cancel):
        raise _deny(_("This campaign cannot be cancelled now."), code="state")
    before = campaign.status
    campaign.cancel(reason=reason.strip(), at=now)
    campaign.save(update_fields=["status", "cancel_reason", "closed_at", "updated_at"])
    deadline_cancel(subject=campaign, code=COLLECTION, now=now, reason="campaign cancelled")
    CampaignEvent.record(campaign, actor=actor, kind="cancelled", at=now, note=reason.strip(),
                         data={"changes": {"status": [before, "cancelled"]}})
    return campaign
