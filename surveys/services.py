"""Survey use cases (SPEC S-01..S-06). Services write; every rule lives here once."""

from __future__ import annotations

import calendar
import hashlib
import math
import random
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.deadlines import deadline_cancel, deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role, is_company_level
from core.service_kit import as_user, lock_row
from estates.models import Site, Unit
from estates.selectors import staff_of, users_with_roles
from surveys import permissions
from surveys.models import (
    DEFAULT_ITEMS,
    Campaign,
    CampaignEvent,
    CorrectiveAction,
    Grade,
    Household,
    Questionnaire,
    QuestionnaireItem,
    Rating,
    Response,
)

COLLECTION = "survey.collection"  # SPEC S-03 / §15: collection closes after 7 days
ROUTINE_INTERVAL_MONTHS = 6  # SPEC S-02: a routine campaign every half year
NEW_SERVICE_WINDOW_MONTHS = 3  # SPEC S-02: within 3 months of the service's launch
# SPEC S-04: valid only if returned / sampled EXCEEDS 85 %, compared exactly as 20·returned > 17·sampled.
VALID_NUM, VALID_DEN = 17, 20


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _deny(message: str, code: str = "not_allowed") -> DomainError:
    return DomainError(message, code=code)


# ---------------------------------------------------------------- questionnaires (S-01)

def _clean_items(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned, seen = [], set()
    for code, label in items:
        code, label = (code or "").strip(), (label or "").strip()
        if not code or not label:
            continue
        if code in seen:
            raise DomainError(_("Item code %(code)s appears twice.") % {"code": code}, code="duplicate_item")
        seen.add(code)
        cleaned.append((code, label))
    if not cleaned:
        raise DomainError(_("A questionnaire needs at least one item."), code="no_items")
    return cleaned


@transaction.atomic
def questionnaire_create(*, name: str, site: Any = None, items: Iterable[tuple[str, str]] | None = None,
                         intro: str = "", actor: Any = None) -> Questionnaire:
    if actor is not None and not permissions.can_organise(actor, getattr(site, "pk", None)):
        raise _deny(_("You may not create questionnaires here."))
    if items is None:  # the default items are stored as data in the site's language (zh-hans)
        with translation.override(settings.LANGUAGE_CODE):
            items = [(c, str(lbl)) for c, lbl in DEFAULT_ITEMS]
    items = _clean_items(items)
    q = Questionnaire.objects.create(site=site, name=name, intro=intro)
    QuestionnaireItem.objects.bulk_create(
        [QuestionnaireItem(questionnaire=q, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
    return q


@transaction.atomic
def questionnaire_edit(*, questionnaire: Questionnaire, name: str, items: Iterable[tuple[str, str]],
                       intro: str = "", actor: Any = None) -> Questionnaire:
    """SPEC S-01: a frozen questionnaire (used by a campaign) is never changed; edits make a new version."""
    if actor is not None and not permissions.can_edit_questionnaire(actor, questionnaire):
        raise _deny(_("You may not edit this questionnaire."))
    items = _clean_items(items)
    q = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    # A site's organiser editing the company-wide questionnaire gets a version of their own site's.
    own_site = None
    if q.site_id is None and actor is not None and not is_company_level(actor):
        own_site = getattr(staff_of(actor), "site", None)
    if q.frozen or own_site is not None:
        root = q
        while root.previous is not None:  # the first version of this questionnaire
            root = root.previous
        lineage = _lineage_ids(root)
        top = Questionnaire.objects.filter(pk__in=lineage).aggregate(v=Max("version"))["v"] or q.version
        new = Questionnaire.objects.create(site=own_site or q.site, name=name, intro=intro, version=top + 1,
                                           previous=q)
        QuestionnaireItem.objects.bulk_create(
            [QuestionnaireItem(questionnaire=new, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
        return new
    q.name, q.intro = name, intro
    q.save(update_fields=["name", "intro", "updated_at"])
    q.items.all().delete()  # not frozen → no campaign and no rating refers to these rows
    QuestionnaireItem.objects.bulk_create(
        [QuestionnaireItem(questionnaire=q, code=c, label=lbl, order=i) for i, (c, lbl) in enumerate(items)])
    return q


def _lineage_ids(root: Questionnaire) -> list[int]:
    ids, frontier = [root.pk], [root.pk]
    while frontier:
        frontier = list(Questionnaire.objects.filter(previous_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def questionnaire_default(*, site: Any) -> Questionnaire:
    """The newest questionnaire of the site, else the newest company-wide one, else a new default one."""
    q = (Questionnaire.objects.filter(site=site).order_by("-created_at", "-id").first()
         or Questionnaire.objects.filter(site__isnull=True).order_by("-created_at", "-id").first())
    return q or questionnaire_create(name=_("Resident satisfaction survey"))


# ---------------------------------------------------------------- campaigns (S-02)

@transaction.atomic
def campaign_create(*, site: Any, title: str, kind: str, questionnaire: Questionnaire, actor: Any = None,
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
        if not (launch_date <= today <= add_months(launch_date, NEW_SERVICE_WINDOW_MONTHS)):
            raise DomainError(_("A new-service campaign runs within 3 months after the launch date."),
                              code="launch_date")
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
def campaign_approve(*, campaign: Campaign, actor: Any, now: datetime | None = None) -> Campaign:
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
def campaign_open(*, campaign: Campaign, actor: Any, now: datetime | None = None) -> dict[int, str]:
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
def household_reissue(*, campaign: Campaign, households: Iterable[Household] | None = None, actor: Any,
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


def _close(campaign: Campaign, *, now: datetime, actor: Any, how: str) -> Campaign:
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
def campaign_close(*, campaign: Campaign, actor: Any, now: datetime | None = None) -> Campaign:
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
def campaign_cancel(*, campaign: Campaign, reason: str, actor: Any, now: datetime | None = None) -> Campaign:
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


# ---------------------------------------------------------------- responses (S-03)

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
                     profile: Mapping[str, Any], actor: Any, now: datetime) -> Response:
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
                         profile: Mapping[str, Any], actor: Any, now: datetime | None = None) -> Response:
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


# ---------------------------------------------------------------- corrective actions (S-06)

@transaction.atomic
def corrective_action_create(*, campaign: Campaign, description: str, owner: Any, due_date: date,
                             item: QuestionnaireItem | None = None, actor: Any,
                             now: datetime | None = None) -> CorrectiveAction:
    now = now or timezone.now()
    campaign = Campaign.objects.get(pk=campaign.pk)
    if not permissions.can_organise(actor, campaign.site_id):
        raise _deny(_("You may not propose corrective actions here."))
    if campaign.status != Campaign.Status.CLOSED:
        raise _deny(_("Corrective actions follow a closed campaign's analysis."), code="state")
    if owner.site_id != campaign.site_id:
        raise DomainError(_("The owner must work at the campaign's site."), code="owner")
    if item is not None and item.questionnaire_id != campaign.questionnaire_id:
        raise DomainError(_("This item is not on the campaign's questionnaire."), code="item")
    if not description.strip():
        raise DomainError(_("Describe the corrective action."), code="description")
    action = CorrectiveAction.objects.create(campaign=campaign, site_id=campaign.site_id, item=item,
                                             description=description.strip(), owner=owner, due_date=due_date)
    CampaignEvent.record(campaign, actor=actor, kind="action_added", at=now, note=action.description,
                         data={"action": action.pk, "owner": str(owner), "due_date": due_date.isoformat()})
    return action


@transaction.atomic
def corrective_action_finish(*, action: CorrectiveAction, note: str, actor: Any,
                             now: datetime | None = None) -> CorrectiveAction:
    now = now or timezone.now()
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    owner_user_id = getattr(action.owner, "user_id", None)
    if not (permissions.can_organise(actor, action.site_id) or getattr(actor, "pk", None) == owner_user_id):
        raise _deny(_("Only the owner or a supervisor marks this action done."))
    if not note.strip():
        raise DomainError(_("Say what was done."), code="note")
    if not can_proceed(action.finish):
        raise _deny(_("This action is already done."), code="state")
    action.finish(at=now, note=note.strip())
    action.save(update_fields=["status", "done_at", "done_note", "updated_at"])
    CampaignEvent.record(action.campaign, actor=actor, kind="action_done", at=now, note=action.done_note,
                         data={"action": action.pk, "changes": {"status": ["open", "done"]}})
    return action


# ---------------------------------------------------------------- routine proposals (S-02)

def routine_campaigns_propose(*, now: datetime | None = None) -> list[Campaign]:
    """Propose (draft) the next routine campaign of every site whose last one is ≥ 6 months old."""
    with translation.override(settings.LANGUAGE_CODE):  # titles are stored data: the site's language
        return _routine_campaigns_propose(now=now)


def _routine_campaigns_propose(*, now: datetime | None = None) -> list[Campaign]:

    now = now or timezone.now()
    today = timezone.localdate(now)
    made = []
    for site in Site.objects.order_by("id"):
        with transaction.atomic():
            routine = Campaign.objects.filter(site=site, kind=Campaign.Kind.ROUTINE).exclude(
                status=Campaign.Status.CANCELLED)
            if routine.filter(status__in=[Campaign.Status.DRAFT, Campaign.Status.APPROVED,
                                          Campaign.Status.OPEN]).exists():
                continue
            last = routine.order_by("-opened_at", "-created_at").first()
            if last is not None:
                started = timezone.localdate(last.opened_at or last.created_at)
                if add_months(started, ROUTINE_INTERVAL_MONTHS) > today:
                    continue
            half = 1 if today.month <= 6 else 2
            title = _("%(year)s H%(half)s routine satisfaction survey") % {"year": today.year, "half": half}
            campaign = campaign_create(site=site, title=title, kind=Campaign.Kind.ROUTINE,
                                       questionnaire=questionnaire_default(site=site),
                                       sample_share=Decimal("20"), now=now)

            notification_queue(recipients=users_with_roles(site_id=site.pk, roles=[Role.SITE_DIRECTOR,
                                                                                   Role.CS_SUPERVISOR]),
                               title=_("Routine satisfaction survey proposed: %(t)s") % {"t": title},
                               url=campaign.get_absolute_url(), kind="info", site_id=site.pk, subject=campaign,
                               dedupe_key=f"survey-routine-{campaign.pk}")
            made.append(campaign)
    return made
