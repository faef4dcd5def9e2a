"""Suggestions (SPEC C-15): every rule lives here and re-checks its permission."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop, policy_limit
from core.errors import DomainError
from core.notifications import notification_queue
from core.numbering import number_take
from core.roles import Role
from estates.selectors import users_with_roles
from suggestions import permissions as perm
from suggestions.models import Suggestion, SuggestionEvent

DECISION_CLOCK = "suggestion.decision"
S = Suggestion.Status


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


def _lock(s: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=s.pk)


@transaction.atomic
def suggestion_record(*, site, subject: str, content: str, actor: User, resident=None, unit=None, name: str = "",
                      phone: str = "", channel: str = Suggestion.Channel.VISIT, now: datetime | None = None
                      ) -> Suggestion:
    """Recorded like a complaint but with no handling deadline; the director's decision clock starts."""
    now = now or timezone.now()
    _need(perm.can_record(actor, site.pk), _("You may not record suggestions at this site."))
    _need(bool(subject.strip()), _("Enter the subject of the suggestion."), "subject")
    _need(bool(content.strip()), _("Write down the suggestion."), "content")
    _need(channel in Suggestion.Channel.values, _("Choose how the suggestion came in."), "channel")
    if resident is not None:
        _need(resident.site_id == site.pk, _("The resident lives at another site."), "other_site")
        unit, name, phone = unit or resident.unit, name or resident.name, phone or resident.phone
    _need(unit is None or unit.site_id == site.pk, _("The unit belongs to another site."), "other_site")
    s = Suggestion(site=site, subject=subject.strip()[:200], content=content.strip(), received_at=now,
                   received_by=actor, resident=resident, unit=unit, name=name.strip()[:60], phone=phone.strip()[:30],
                   channel=channel)
    seq = number_take(site_id=site.pk, series="JY", period=str(now.year))
    s.number = f"JY{now.year}-{seq:04d}"
    s.save()
    dl = deadline_start(subject=s, code=DECISION_CLOCK, now=now, site_id=site.pk)
    SuggestionEvent.record(s, actor=actor, kind="recorded", at=now, data={"decide_by": dl.due_at.isoformat()})
    notification_queue(recipients=users_with_roles(site_id=site.pk, roles=[Role.SITE_DIRECTOR]),
                       title=_("Suggestion %(n)s waits for your decision") % {"n": s.number},
                       url=s.get_absolute_url(), site_id=site.pk, subject=s)
    return s


@transaction.atomic
def suggestion_decide(*, suggestion: Suggestion, adopt: bool, reason: str, actor: User, action: str = "", owner=None,
                      due_date: date | None = None, now: datetime | None = None) -> Suggestion:
    """C-15: the site director adopts (with a rectification: what, who, by when) or does not (with a reason)."""
    now = now or timezone.now()
    s = _lock(suggestion)
    _need(perm.can_decide(actor, s.site_id), _("Only the site director decides on a suggestion."))
    _need(s.status == S.PENDING, _("This suggestion has been decided already."), "bad_state")
    _need(bool(reason.strip()), _("Give the reason for the decision."), "reason")
    if adopt:
        _need(bool(action.strip()), _("Say what will be done."), "action")
        _need(owner is not None and owner.site_id == s.site_id and owner.is_active,
              _("Choose who is responsible, at this site."), "owner")
        _need(due_date is not None and due_date >= timezone.localdate(now),
              _("The date to be done by cannot be in the past."), "due_date")
        s.adopt(at=now, by=actor, reason=reason.strip(), action=action.strip(), owner=owner, due_date=due_date)
    else:
        s.reject(at=now, by=actor, reason=reason.strip())
    s.save(update_fields=["status", "decided_at", "decided_by", "decision_reason", "action", "owner", "due_date",
                          "updated_at"])
    deadline_stop(subject=s, code=DECISION_CLOCK, now=now)
    SuggestionEvent.record(s, actor=actor, kind="adopted" if adopt else "not_adopted", at=now, note=s.decision_reason)
    if adopt and owner.user_id:
        notification_queue(recipients=[owner.user], title=_("Adopted suggestion %(n)s: you are responsible")
                           % {"n": s.number}, url=s.get_absolute_url(), site_id=s.site_id, subject=s)
    return s


@transaction.atomic
def suggestion_complete(*, suggestion: Suggestion, note: str, actor: User, now: datetime | None = None) -> Suggestion:
    """The rectification of an adopted suggestion is done (tracked to the end)."""
    now = now or timezone.now()
    s = _lock(suggestion)
    _need(perm.can_complete(actor, s), _("Only the responsible person or a supervisor records this."))
    _need(s.status == S.ADOPTED, _("Only an adopted suggestion has a rectification to finish."), "bad_state")
    _need(bool(note.strip()), _("Say what was done."), "note")
    s.complete(at=now, note=note.strip())
    s.save(update_fields=["status", "done_at", "done_note", "updated_at"])
    SuggestionEvent.record(s, actor=actor, kind="done", at=now, note=s.done_note)
    return s


@transaction.atomic
def suggestion_tell_resident(*, suggestion: Suggestion, how: str, actor: User,
                             now: datetime | None = None) -> Suggestion:
    """The resident who made the suggestion is told the decision."""
    now = now or timezone.now()
    s = _lock(suggestion)
    _need(perm.can_tell(actor, s.site_id), _("You may not record this."))
    _need(s.status != S.PENDING, _("Tell the resident once the director has decided."), "bad_state")
    _need(bool(how.strip()), _("Say how the resident was told."), "how")
    s.told_at, s.told_how = now, how.strip()[:100]
    s.save(update_fields=["told_at", "told_how", "updated_at"])
    SuggestionEvent.record(s, actor=actor, kind="told", at=now, note=s.told_how)
    return s


def suggestion_decision_overdue(*, suggestion_id: int, now: datetime) -> None:
    s = Suggestion.objects.filter(pk=suggestion_id, status=S.PENDING).first()
    if s is not None:
        SuggestionEvent.record(s, actor=None, kind="decision_overdue", at=now,
                               note=_("Not decided within %(limit)s.")
                               % {"limit": policy_limit(DECISION_CLOCK, s.site_id)})  # issue 14.6: the policy's amount


def notice_allowed(s: Suggestion) -> bool:
    """The notice for the board is printed for an adopted suggestion."""
    return s.status in (S.ADOPTED, S.DONE)


