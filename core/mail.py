"""Email out of an outbox row, at most once per claim (issue 13.10, 23.3–23.6; docs/deadlines.md).

A row that sends email (a `core.Notification`, a `reports.MailingMessage`) has the fields
`email_sent_at`, `email_attempts`, `email_error`, `email_next_at`, `email_claimed_at` and
`email_failed_at`. Delivery is:

1. **claim** — one atomic UPDATE sets `email_claimed_at` (and counts the attempt) if the row is
   unsent, not failed, not in backoff and not claimed by a live sender; whoever updates the row
   sends, everybody else skips it. No row lock is held while talking to the mail server.
2. **send** with a `Message-ID` derived from the row (`<propserv.notice.42@domain>`), under
   `EMAIL_TIMEOUT`.
3. **mark** sent (claim cleared), or record the error, the next attempt time (exponential backoff)
   and, after `PROPSERV_EMAIL_MAX_ATTEMPTS` attempts, `email_failed_at` (listed on the delivery
   problems page, resendable).

A sender that dies between 2 and 3 leaves a claim behind; after `PROPSERV_EMAIL_CLAIM_SECONDS`
(longer than any task may run) the resend job claims it again and sends it again **with the same
Message-ID**. So a message is delivered at least once and, if a crash fell exactly between the
server's acceptance and the database update, at most one more time with the same Message-ID
(mail clients and most servers drop the copy).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import parseaddr
from smtplib import SMTPConnectError, SMTPException, SMTPServerDisconnected
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Model, Q
from django.utils import timezone

BACKOFF_START = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)
_SPACE = re.compile(r"\s+")


def max_attempts() -> int:
    return getattr(settings, "PROPSERV_EMAIL_MAX_ATTEMPTS", 20)


def claim_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "PROPSERV_EMAIL_CLAIM_SECONDS", 300))


def single_line(text: Any) -> str:
    """Any whitespace run (CR, LF, tabs, U+2028…) becomes one space: safe for a header or a title."""
    return _SPACE.sub(" ", str(text or "")).strip()


def message_id(kind: str, pk: int) -> str:
    """Stable per outbox row, so a re-send after a crash carries the same Message-ID."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "propserv.local"
    return f"<propserv.{kind}.{pk}@{domain}>"


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_START * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def is_connection_error(err: BaseException) -> bool:
    """The server is unreachable or hangs (not: it refused this one message) — stop the batch."""
    if isinstance(err, SMTPServerDisconnected | SMTPConnectError | socket.timeout | TimeoutError):
        return True
    return isinstance(err, OSError) and not isinstance(err, SMTPException)


def sendable(now: datetime) -> Q:
    """Rows a sender may claim now: unsent, not given up, out of backoff, claim absent or expired."""
    return (Q(email_sent_at__isnull=True, email_failed_at__isnull=True)
            & (Q(email_next_at__isnull=True) | Q(email_next_at__lte=now))
            & (Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lte=now - claim_ttl())))


def outbox_claim(model: type[Model], pk: int, *, now: datetime) -> bool:
    return bool(model.objects.filter(pk=pk).filter(sendable(now))
                .update(email_claimed_at=now, email_attempts=F("email_attempts") + 1))


def outbox_send(model: type[Model], pk: int, *, kind: str, build: Callable[[Any], EmailMessage],
                now: datetime | None = None) -> bool:
    """Claim, send with a stable Message-ID, mark. False if another sender has it or it is done.

    Raises the mail error after recording it (the caller decides whether to go on with a batch).
    """
    now = now or timezone.now()
    if not outbox_claim(model, pk, now=now):
        return False
    row = model.objects.get(pk=pk)
    try:
        msg = build(row)
        msg.subject = single_line(msg.subject)
        msg.extra_headers["Message-ID"] = message_id(kind, pk)
        msg.send()
    except Exception as err:
        failed = row.email_attempts >= max_attempts()
        model.objects.filter(pk=pk).update(
            email_claimed_at=None, email_error=f"{type(err).__name__}: {err}"[:300],
            email_next_at=now + backoff(row.email_attempts), email_failed_at=now if failed else None)
        raise
    model.objects.filter(pk=pk).update(email_sent_at=timezone.now(), email_claimed_at=None, email_error="",
                                       email_next_at=None)
    return True


def outbox_retry(model: type[Model], pks: list[int]) -> int:
    """Staff asked to resend (delivery problems page): back to pending, attempts from zero."""
    return (model.objects.filter(pk__in=pks, email_sent_at__isnull=True)
            .update(email_failed_at=None, email_next_at=None, email_attempts=0))
