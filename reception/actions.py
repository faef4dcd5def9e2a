"""The steps on a reception entry and on a shift handover item (SPEC RC-01, RC-02; STYLE §3, issue 14.1):
the reply given on a promised-reply entry (reception staff of the site) and the acknowledgement of a handover
(the next shift or security, never its author). One declaration each, run by core's generic view at the
reception app's own URL names; the services ask the same predicates."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from core.redirects import safe_next
from reception import permissions as perm
from reception import selectors, services
from reception.forms import AckForm, ReplyForm
from reception.models import HandoverItem, ReceptionEntry


def _entry(request: Any, pk: int) -> ReceptionEntry:
    return get_object_or_404(selectors.entry_list_visible_to(request.user), pk=pk)


def _item(request: Any, pk: int) -> HandoverItem:
    return get_object_or_404(selectors.handover_list_visible_to(request.user), pk=pk)


ENTRY = Registry("reception", get_object=_entry)
ENTRY.add(Action(
    "reply", _("Reply given"), ReplyForm, lambda u, e: perm.can_register(u, e.site_id), transition="give_reply",
    run=lambda e, u, d: services.reception_entry_reply(entry=e, actor=u, reply=d["reply"]),
    message=_("Reply recorded."), error_fields={"reply_required": "reply"}), url_name="reception:entry_detail")

# a handover item is acknowledged where it is listed (its log, or the open items); back there after success
HANDOVER = Registry("reception.handover", get_object=_item, page_url=lambda i: i.log.get_absolute_url())
HANDOVER.add(Action(
    "ack", _("Acknowledge"), AckForm, perm.can_acknowledge, transition="acknowledge", style="success",
    run=lambda i, u, d: services.handover_acknowledge(item=i, actor=u, note=d["note"]),
    message=_("Acknowledged."), next=lambda request, i, result: safe_next(request, i.log.get_absolute_url())),
    url_name="reception:handover_ack")
