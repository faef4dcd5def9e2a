"""Payment notices (收费通知单) by email (F-02, issue 16 part 3): a building's month at once, to every
household with an email address (the resident's portal account), the A4 PDF attached.

Each bill gets one outbox row (`NoticeEmail`); the row is sent by core/mail.py (claim, send with a
Message-ID from the row, mark), so a worker retry or a second click never mails a household twice, and
an SMTP outage is retried by the resend job on the notification backoff. Households without an email
get the printed notice (the building's PDF batch)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.mail import is_connection_error, outbox_send, sendable
from core.pdf import render_pdf
from estates.models import Building, Resident
from fees import permissions
from fees.models import Bill, NoticeEmail
from fees.tasks import notice_email_send_task

log = logging.getLogger(__name__)


def _emails_by_unit(unit_ids: list[int]) -> dict[int, list[str]]:
    """The households' addresses: residents living there with a portal account that has an email."""
    out: dict[int, list[str]] = {}
    for unit_id, email in (Resident.objects.filter(unit_id__in=unit_ids, is_active=True)
                           .exclude(account__email="").filter(account__email__isnull=False)
                           .values_list("unit_id", "account__email").order_by("unit_id", "pk")):
        if email not in out.setdefault(unit_id, []):
            out[unit_id].append(email)
    return out


@transaction.atomic
def notice_emails_queue(*, building: Building, period: date, actor: User, now: datetime | None = None) -> dict:
    """Queue the month's notices of a building by email (finance). Returns how many were queued, how
    many had been sent or queued before, and how many households have no email (they get the print)."""
    now = now or timezone.now()
    permissions.check_finance(actor, building.site_id)
    bills = list(Bill.objects.filter(unit__building=building, period=period, kind=Bill.Kind.MONTHLY)
                 .exclude(status=Bill.Status.VOID).order_by("unit__code"))
    done = set(NoticeEmail.objects.filter(bill__in=bills).values_list("bill_id", flat=True))
    emails = _emails_by_unit([b.unit_id for b in bills])
    rows = [NoticeEmail(site_id=b.site_id, bill=b, to=emails[b.unit_id], created_at=now, created_by=actor)
            for b in bills if b.pk not in done and emails.get(b.unit_id)]
    NoticeEmail.objects.bulk_create(rows)
    ids = [r.pk for r in NoticeEmail.objects.filter(bill__in=[r.bill for r in rows])]
    transaction.on_commit(lambda: [notice_email_send_task.delay(pk) for pk in ids])
    return {"queued": len(rows), "before": len(done),
            "no_email": sum(1 for b in bills if b.pk not in done and not emails.get(b.unit_id))}


def _build(row: NoticeEmail) -> EmailMessage:
    bill = row.bill
    with override(settings.LANGUAGE_CODE):
        from fees.selectors import notice_print_context  # noqa: PLC0415 (cycle: selectors import the services)

        pdf = render_pdf("fees/print/notices.html", notice_print_context([bill]))
        subject = _("Payment notice %(month)s, %(site)s %(unit)s") % {
            "month": f"{bill.period:%Y-%m}", "site": bill.site.name, "unit": bill.unit.code}
        body = _("Dear resident,\n\nattached is the payment notice of %(unit)s for %(month)s: %(total)s yuan, "
                 "due by %(due)s.\n\n%(site)s service center") % {
            "unit": bill.unit.code, "month": f"{bill.period:%Y-%m}", "total": f"{bill.total:,.2f}",
            "due": f"{bill.due_date:%Y-%m-%d}", "site": bill.site.name}
    msg = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=row.to)
    msg.attach(f"notice-{bill.period:%Y%m}-{bill.unit.code}.pdf", pdf, "application/pdf")
    return msg


def notice_email_send(*, pk: int, now: datetime | None = None) -> bool:
    """Send one queued notice (the worker): False if another sender has it or it is already sent."""
    return outbox_send(NoticeEmail, pk, kind="fees-notice", build=_build, now=now)


def notice_emails_resend_pending(*, now: datetime | None = None, limit: int = 200) -> int:
    """Beat: notices still unsent after an SMTP outage or a lost task, on the notification backoff."""
    now = now or timezone.now()
    sent = 0
    for pk in (NoticeEmail.objects.filter(sendable(now), created_at__lte=now - timedelta(seconds=30))
               .order_by("created_at").values_list("pk", flat=True)[:limit]):
        try:
            sent += notice_email_send(pk=pk, now=now)
        except Exception as err:
            log.warning("payment notice email %s failed; will retry: %s", pk, err)
            if is_connection_error(err):
                break
    return sent
