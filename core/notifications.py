"""Notifications as an outbox (SPEC X-04): rows in the caller's transaction, email after commit.

A Redis or SMTP outage delays email but loses nothing: the after-commit hook only *tries* to hand
the ids to the broker; `notification_resend_pending` (beat, every minute) sends whatever is still
pending, with a growing pause between attempts (`email_next_at`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.mail import is_connection_error, outbox_retry, outbox_send, sendable, single_line
from core.models import Notification
from core.tasks import notification_deliver_batch_task

log = logging.getLogger(__name__)
# after-commit hand-over to the broker: fail fast (the web request must not hang on a dead Redis)
ENQUEUE_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def notification_queue(*, recipients: Iterable[Any], title: str, body: str = "", url: str = "",
                       kind: str = Notification.Kind.INFO, site_id: int | None = None, subject: Any = None,
                       deadline: Any = None, requires_ack: bool = False, send_email: bool = True,
                       dedupe_key: str = "") -> list[Notification]:
    """Write one notification per recipient (users; duplicates and None dropped); email after commit.

    With `dedupe_key` a recipient gets the notice at most once, whoever calls this how often.
    """
    users = {u.pk: u for u in recipients if u is not None and getattr(u, "is_active", True)}
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True) if subject is not None else None
    already: set[int] = set()
    if dedupe_key and users:
        already = set(Notification.objects.filter(dedupe_key=dedupe_key, recipient_id__in=list(users))
                      .values_list("recipient_id", flat=True))
    created: list[Notification] = []
    for user in users.values():
        if user.pk in already:
            continue
        row = Notification(
            recipient=user, title=single_line(title)[:200], body=str(body), url=url[:300], kind=kind, site_id=site_id,
            subject_type=ct, subject_id=getattr(subject, "pk", None), deadline=deadline,
            requires_ack=requires_ack, send_email=send_email and bool(user.email), dedupe_key=dedupe_key,
        )
        if dedupe_key:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue  # a concurrent caller notified about this event
        else:
            row.save()
        created.append(row)
    enqueue_delivery_on_commit([n.pk for n in created if n.send_email])
    return created


def enqueue_delivery_on_commit(ids: list[int]) -> None:
    """After the event's transaction commits, hand the ids to the broker (one message per batch)."""
    if ids:
        transaction.on_commit(lambda: _enqueue_delivery(list(ids)))


def _enqueue_delivery(ids: list[int]) -> None:

    try:
        for i in range(0, len(ids), 500):
            notification_deliver_batch_task.apply_async(args=[ids[i:i + 500]], retry=True,
                                                        retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception:  # broker down: the rows stay pending, the resend job sends them (outbox)
        log.warning("broker unavailable; %d notification(s) stay pending", len(ids), exc_info=True)


def _message(n: Notification) -> EmailMultiAlternatives:
    link = f"{settings.SITE_URL}{n.url}" if n.url else ""
    with translation.override(settings.LANGUAGE_CODE):
        # issue 23.5: a title with a line break must not make an invalid header
        subject = gettext("[Property service] %(title)s") % {"title": single_line(n.title)}
        ctx = {"n": n, "link": link, "inbox": f"{settings.SITE_URL}/core/inbox/"}
        text = render_to_string("core/email/notification.txt", ctx)
        html = render_to_string("core/email/notification.html", ctx)
    msg = EmailMultiAlternatives(subject=subject, body=text, to=[n.recipient.email])
    msg.attach_alternative(html, "text/html")
    return msg


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one notification's email; a no-op once sent, failed or claimed by a live sender.

    Claim first, send with the Message-ID of the notice, then mark (core/mail.py): no row lock is
    held while the mail server is talked to, and a crash can at most re-send with the same
    Message-ID. Raises the mail error after recording it (attempts, backoff, failed after N).
    """
    n = Notification.objects.filter(pk=notification_id).values("send_email", "recipient__email").first()
    if n is None or not n["send_email"] or not n["recipient__email"]:
        return False
    return outbox_send(Notification, notification_id, kind="notice", now=now,
                       build=lambda row: _message(Notification.objects.select_related("recipient").get(pk=row.pk)))


def _deliver_ids(ids: Iterable[int], *, now: datetime | None = None) -> int:
    """A failing email is recorded and left for the resend job; an unreachable or hanging server
    ends the batch (each try costs up to EMAIL_TIMEOUT), the rest stay pending, unclaimed."""
    sent = 0
    for pk in ids:
        try:
            sent += notification_deliver(notification_id=pk, now=now)
        except Exception as err:
            log.warning("email for notification %s failed; will retry: %s", pk, err)
            if is_connection_error(err):
                break
    return sent


def notification_deliver_many(*, ids: Iterable[int]) -> int:
    """Deliver a batch; failures are left for the resend job (with its backoff)."""
    return _deliver_ids(ids)


def notification_pending(*, now: datetime | None = None, older_than: timedelta = timedelta(seconds=30)):
    """Emails the resend job may claim now (created a while ago, so the after-commit task goes first)."""
    now = now or timezone.now()
    return Notification.objects.filter(sendable(now), send_email=True, created_at__lte=now - older_than)


def notification_failed():
    """Given up after PROPSERV_EMAIL_MAX_ATTEMPTS (issue 23.6): shown for a resend."""
    return Notification.objects.filter(send_email=True, email_sent_at__isnull=True, email_failed_at__isnull=False)


def notification_resend(*, ids: Iterable[int]) -> int:
    """Staff resend failed or pending notices (delivery problems page): back to pending, sent now."""
    ids = list(ids)
    count = outbox_retry(Notification, ids)
    enqueue_delivery_on_commit(ids)
    return count


def notification_resend_pending(*, now: datetime | None = None, older_than: timedelta = timedelta(seconds=30),
                                limit: int = 200) -> int:
    """Send pending emails the after-commit hook could not hand over (broker down, worker died)."""
    ids = list(notification_pending(now=now, older_than=older_than)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    return _deliver_ids(ids, now=now)


def notification_mark_read(*, user: Any, notification_id: int | None = None, now: datetime | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=now or timezone.now())


def notification_acknowledge(*, user: Any, notification_id: int, now: datetime | None = None) -> Notification:
    now = now or timezone.now()
    n = Notification.objects.get(pk=notification_id, recipient=user)
    if n.acknowledged_at is None:
        n.acknowledged_at = now
        n.read_at = n.read_at or now
        n.save(update_fields=["acknowledged_at", "read_at"])
    return n


def notifications_awaiting_ack(user: Any):
    """Escalation notices this user has not acknowledged yet (stay visible until they are)."""
    return Notification.objects.filter(recipient=user, requires_ack=True, acknowledged_at__isnull=True)
