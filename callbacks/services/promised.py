"""SPEC CB-05: promised replies, tracked by the clock `callback.promised_reply`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from callbacks.models import PromisedReply
from callbacks.permissions import can_answer_promised_reply, can_promise_reply
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError


@transaction.atomic
def promised_reply_create(*, site_id: int, question: str, due_at: datetime | None, actor: User,
                          callback: Any = None, visit: Any = None, unit: Any = None,
                          now: datetime | None = None) -> PromisedReply:
    now = now or timezone.now()
    who = getattr(actor, "user", actor) if not hasattr(actor, "is_authenticated") else actor  # a User or a Staff
    if not can_promise_reply(who, site_id, callback=callback, visit=visit):  # issue 14.2
        raise DomainError(_("You may not record callbacks of this site."), code="not_allowed")
    if not question.strip():
        raise DomainError(_("Write down the question."), code="question_required")
    if due_at is None or due_at <= now:
        raise DomainError(_("The promised reply time must be in the future."), code="due_invalid")
    if unit is None and callback is not None:
        unit = callback.unit
    reply = PromisedReply.objects.create(site_id=site_id, question=question.strip(), due_at=due_at,
                                         owner=actor, callback=callback, visit=visit, unit=unit)
    deadline_start(subject=reply, code="callback.promised_reply", now=now, site_id=site_id, due_at=due_at)
    return reply


@transaction.atomic
def promised_reply_answer(*, reply: PromisedReply, answer: str, actor: User,
                          now: datetime | None = None) -> PromisedReply:
    now = now or timezone.now()
    reply = PromisedReply.objects.select_for_update().get(pk=reply.pk)
    if not can_answer_promised_reply(actor, reply):  # issue 14.2
        raise DomainError(_("You may not record callbacks of this site."), code="not_allowed")
    if not answer.strip():
        raise DomainError(_("Write down the answer given."), code="answer_required")
    if not can_proceed(reply.mark_answered):
        raise DomainError(_("This question is already answered."), code="answered")
    reply.mark_answered(answer=answer.strip(), at=now, by=actor)
    reply.save(update_fields=["status", "answer", "answered_at", "answered_by", "updated_at"])
    deadline_stop(subject=reply, code="callback.promised_reply", now=now)
    return reply
