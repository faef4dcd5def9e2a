"""The steps of a callback (STYLE §3, issue 14.1): one declaration each, run by core's generic view and
mounted at the callback's own URLs (callbacks:attempt, :finding, :reply_create, :cancel)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from callbacks import forms as f
from callbacks import permissions as perm
from callbacks import selectors
from callbacks import services as svc
from callbacks.models import Callback, PromisedReply
from core.actions import Action, Registry
from core.redirects import safe_next

S = Callback.Status


def _visible(request, pk: int) -> Callback:
    return get_object_or_404(selectors.callback_list_visible_to(request.user), pk=pk)


REGISTRY = Registry("callbacks", get_object=_visible)

REGISTRY.add(Action(
    "attempt", _("Record a callback"), f.AttemptForm,
    allowed=lambda u, cb: cb.status == S.OPEN and perm.can_work_callback(u, cb),
    form_kwargs=lambda cb, u: {"initial": {"number_dialled": cb.phone or ""}},
    run=lambda cb, u, d: svc.callback_attempt_record(callback=cb, actor=u, **d),
    message=_("Callback recorded."),
    next=lambda request, cb, result: safe_next(request, cb.get_absolute_url())), url_name="callbacks:attempt")
REGISTRY.add(Action(
    "finding", _("Site check finding"), f.FindingForm, style="warning",
    allowed=lambda u, cb: cb.status == S.MISMATCH_CHECK and perm.can_check_mismatch(u, cb),
    run=lambda cb, u, d: svc.callback_mismatch_finding_record(callback=cb, actor=u, **d),
    message=_("Site check recorded; the callback is closed.")), url_name="callbacks:finding")
REGISTRY.add(Action(
    "reply", _("Record promised reply"), f.PromisedReplyForm, style="outline-primary",
    allowed=lambda u, cb: not cb.is_closed and perm.can_promise_reply(u, cb.site_id, callback=cb),
    run=lambda cb, u, d: svc.promised_reply_create(site_id=cb.site_id, callback=cb, actor=u, **d),
    message=_("Promised reply recorded.")), url_name="callbacks:reply_create")
REGISTRY.add(Action(
    "cancel", _("Cancel callback"), f.ReasonForm, transition="cancel", style="outline-danger",
    allowed=lambda u, cb: perm.can_manage_callbacks(u, cb.site_id),
    run=lambda cb, u, d: svc.callback_cancel(callback=cb, actor=u, **d),
    message=_("Callback cancelled.")), url_name="callbacks:cancel")


def _visible_reply(request, pk: int) -> PromisedReply:
    return get_object_or_404(selectors.promised_reply_list_visible_to(request.user), pk=pk)


# CB-05: a promised reply is answered on the list of promised replies
REPLY = Registry("callbacks.reply", get_object=_visible_reply, page_url=lambda r: reverse("callbacks:promised_list"))
REPLY.add(Action(
    "answer", _("Answered"), f.AnswerForm, transition="mark_answered", inline=True,
    allowed=perm.can_answer_promised_reply,
    run=lambda r, u, d: svc.promised_reply_answer(reply=r, actor=u, answer=d["answer"]),
    error_fields={"answer_required": "answer"},
    message=_("Answer recorded.")), url_name="callbacks:promised_answer")
