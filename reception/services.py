"""Reception services (SPEC RC-01, RC-02)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from estates.selectors import users_with_roles
from reception.models import HandoverItem, ReceptionEntry, WorkLog
from reception.permissions import can_acknowledge, can_register, can_write_log


@transaction.atomic
def reception_entry_register(*, site: Any, actor: User, channel: str, person_name: str, purpose: str, content: str,
                             answer: str = "", phone: str = "", unit: Any = None, referred_to: str = "",
                             at: datetime | None = None, promised_reply_at: datetime | None = None,
                             now: datetime | None = None) -> ReceptionEntry:
    """RC-01: log a visitor or caller. A question not answered on the spot gets a promised reply time,
    tracked by the clock `reception.promised_reply`."""
    now = now or timezone.now()
    if not can_register(actor, site.pk):
        raise DomainError(_("You may not register visitors at this site."), code="not_allowed")
    if unit is not None and unit.site_id != site.pk:
        raise DomainError(_("The unit is not at this site."), code="unit_site")
    if not person_name.strip() or not content.strip():
        raise DomainError(_("Enter who came or called and what about."), code="required")
    if not answer.strip() and promised_reply_at is None:
        raise DomainError(_("Record the answer given, or promise a reply time."), code="answer_or_promise")
    if promised_reply_at is not None and promised_reply_at <= now:
        raise DomainError(_("The promised reply time must be in the future."), code="due_invalid")
    entry = ReceptionEntry.objects.create(
        site=site, at=at or now, channel=channel, person_name=person_name.strip(), phone=phone.strip(), unit=unit,
        purpose=purpose, content=content.strip(), answer=answer.strip(), referred_to=referred_to.strip(),
        recorded_by=actor)
    if promised_reply_at is not None:
        entry.promise(due_at=promised_reply_at)
        entry.save(update_fields=["status", "promised_reply_at", "updated_at"])
        deadline_start(subject=entry, code="reception.promised_reply", now=now, site_id=site.pk,
                       due_at=promised_reply_at)
    return entry


@transaction.atomic
def reception_entry_reply(*, entry: ReceptionEntry, actor: User, reply: str,
                          now: datetime | None = None) -> ReceptionEntry:
    now = now or timezone.now()
    entry = ReceptionEntry.objects.select_for_update().get(pk=entry.pk)
    if not can_register(actor, entry.site_id):
        raise DomainError(_("You may not register visitors at this site."), code="not_allowed")
    if not reply.strip():
        raise DomainError(_("Write down the reply given."), code="reply_required")
    if not can_proceed(entry.give_reply):
        raise DomainError(_("No reply is pending for this entry."), code="no_reply_pending")
    entry.give_reply(reply=reply.strip(), at=now, by=actor)
    entry.save(update_fields=["status", "reply", "replied_at", "replied_by", "updated_at"])
    deadline_stop(subject=entry, code="reception.promised_reply", now=now)
    return entry


@transaction.atomic
def work_log_create(*, site: Any, actor: User, content: str, shift: str, log_date: date | None = None,
                    handovers: list[tuple[str, str]] | None = None, now: datetime | None = None) -> WorkLog:
    """RC-02: the shift's log; handover items go to the next shift or to security, who acknowledge them."""
    now = now or timezone.now()
    if not can_write_log(actor, site.pk):
        raise DomainError(_("You may not write the work log of this site."), code="not_allowed")
    if not content.strip():
        raise DomainError(_("Describe the work of the shift."), code="content_required")
    log = WorkLog.objects.create(site=site, date=log_date or timezone.localdate(now), shift=shift,
                                 author=actor, content=content.strip())
    items = [HandoverItem(log=log, site=site, text=text.strip(), target=target)
             for text, target in (handovers or []) if text.strip()]
    HandoverItem.objects.bulk_create(items)
    if any(i.target == HandoverItem.Target.SECURITY for i in items):
        notification_queue(
            recipients=users_with_roles(site_id=site.pk, roles=[Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER]),
            title=_("Handover to security"), body="\n".join(i.text for i in items if i.target == "security"),
            url=log.get_absolute_url(), kind="info", site_id=site.pk, subject=log)
    return log


@transaction.atomic
def handover_acknowledge(*, item: HandoverItem, actor: User, note: str = "",
                         now: datetime | None = None) -> HandoverItem:
    now = now or timezone.now()
    item = HandoverItem.objects.select_for_update().select_related("log").get(pk=item.pk)
    if not can_acknowledge(actor, item):
        raise DomainError(_("The next shift (or security) acknowledges a handover, not its author."),
                          code="not_allowed")
    if not can_proceed(item.acknowledge):
        raise DomainError(_("Already acknowledged."), code="acknowledged")
    item.acknowledge(by=actor, at=now, note=note.strip()[:200])
    item.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "ack_note", "updated_at"])
    return item
