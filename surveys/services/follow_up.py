"""S-06 corrective actions and S-02 routine campaign proposals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from estates.models import Site
from estates.selectors import users_with_roles
from surveys import permissions
from surveys.models import (
    Campaign,
    CampaignEvent,
    CorrectiveAction,
    QuestionnaireItem,
)
from surveys.services._common import ROUTINE_CADENCE, _deny, cadence_end
from surveys.services.campaigns import campaign_create
from surveys.services.questionnaires import questionnaire_default


@transaction.atomic
def corrective_action_create(*, campaign: Campaign, description: str, owner: Any, due_date: date,
                             item: QuestionnaireItem | None = None, actor: User,
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
def corrective_action_finish(*, action: CorrectiveAction, note: str, actor: User,
                             now: datetime | None = None) -> CorrectiveAction:
    now = now or timezone.now()
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if not permissions.can_finish_action(actor, action):
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


def routine_campaigns_propose(*, now: datetime | None = None) -> list[Campaign]:
    """Propose (draft) the next routine campaign of every site whose last one is older than the site's
    routine cadence (policy `survey.routine`, half a year)."""
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
                if cadence_end(ROUTINE_CADENCE, site.pk, started) > today:  # S-02: the policy row
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
