"""Resident pages — use cases (issue 22, SPEC P-01..P-03). Each checks its own permission, locks its
row and raises DomainError; views stay thin."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.services import callback_request, callback_site_check_request
from complaints.services import complaint_receive
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import require_value
from core.uploads import check_image
from core.validators import validate_phone
from estates.models import Resident
from estates.selectors import users_with_roles
from portal import permissions
from portal.models import (
    USERNAME_PREFIX,
    Notice,
    OnlineEvaluation,
    OnlineReport,
    OnlineReportPhoto,
    ResidentAccount,
    SetupLink,
)
from suggestions.services import suggestion_record
from tickets.services import ONLINE_EVALUABLE, work_order_evaluate_online, work_order_register

if TYPE_CHECKING:
    from tickets.models import Category, WorkOrder

LINK_LIFETIME = timedelta(hours=72)
MAX_PHOTOS = 6
# the channel codes complaints and suggestions give the resident pages (tests/portal pins the complaint's;
# suggestion_record refuses a code it does not know)
COMPLAINT_CHANNEL, SUGGESTION_CHANNEL = "resident", "online"
EVALUABLE = ONLINE_EVALUABLE


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


# ---------------------------------------------------------------- P-01 accounts and one-time links
@transaction.atomic
def account_open(*, resident: Resident, actor: User, phone: str = "", email: str = "",
                 now: datetime | None = None) -> tuple[ResidentAccount, str]:
    """The front desk opens the account from the resident file; returns the account and the raw token
    of a one-time password link (only its hash is stored). Opening again re-issues a link."""
    now = now or timezone.now()
    if not permissions.can_open_account(actor, resident.site_id):
        raise PermissionDenied
    phone = (phone or resident.phone).strip()
    _need(bool(phone), _("The resident has no phone number: enter one."), "phone")
    try:
        validate_phone(phone)
    except ValidationError as err:
        raise DomainError(" ".join(err.messages), code="phone") from None
    account = ResidentAccount.objects.select_for_update().filter(resident=resident).first()
    if account is None:
        _need(not ResidentAccount.objects.filter(phone=phone).exists(),
              _("Another resident account already uses this phone number."), "phone_taken")
        user = get_user_model().objects.create_user(username=f"{USERNAME_PREFIX}{phone}", email=email)
        user.set_unusable_password()
        user.save()
        account = ResidentAccount.objects.create(user=user, resident=resident, site_id=resident.site_id,
                                                 unit_id=resident.unit_id, phone=phone, email=email,
                                                 opened_by=actor)
    elif email and email != account.email:
        account.email = email
        account.save(update_fields=["email", "updated_at"])
        account.user.email = email
        account.user.save(update_fields=["email"])
    SetupLink.objects.filter(account=account, used_at__isnull=True).update(used_at=now)  # old links die
    token = secrets.token_urlsafe(32)
    SetupLink.objects.create(account=account, token_hash=token_hash(token), expires_at=now + LINK_LIFETIME)
    return account, token


def link_valid(token: str, now: datetime | None = None) -> SetupLink | None:
    now = now or timezone.now()
    return (SetupLink.objects.select_related("account__user")
            .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now,
                    account__is_active=True).first())


@transaction.atomic
def password_set(*, token: str, password: str, now: datetime | None = None) -> ResidentAccount:
    """The resident sets the password through the one-time link: used once, never after it expires."""
    now = now or timezone.now()
    link = require_value(link_valid(token, now),
                         _("This link has expired or has been used. Ask the front desk for a new one."), "link")
    link = SetupLink.objects.select_for_update().get(pk=link.pk)
    _need(link.used_at is None, _("This link has expired or has been used. Ask the front desk for a new one."),
          "link")
    user = link.account.user
    try:
        validate_password(password, user)
    except ValidationError as err:
        raise DomainError(" ".join(err.messages), code="password") from None
    user.set_password(password)
    user.save(update_fields=["password"])
    link.used_at = now
    link.save(update_fields=["used_at", "updated_at"])
    return link.account


# ---------------------------------------------------------------- P-02 reports
@transaction.atomic
def report_submit(*, account: ResidentAccount, kind: str, content: str, preferred_time: str = "",
                  photos=(), now: datetime | None = None) -> OnlineReport:
    """Enters the front desk's queue as channel "resident online"; no clock runs until confirmed."""
    now = now or timezone.now()
    _need(account.is_active, _("This account is closed."))
    _need(kind in OnlineReport.Kind.values, _("Choose what you are reporting."), "kind")
    _need(bool(content.strip()), _("Describe the problem."), "content")
    photos = list(photos)
    _need(len(photos) <= MAX_PHOTOS, _("At most %(n)d photos.") % {"n": MAX_PHOTOS}, "photo_count")
    checked = [check_image(f) for f in photos]  # judged by content, re-encoded, generated names
    report = OnlineReport.objects.create(site_id=account.site_id, unit_id=account.unit_id, account=account,
                                         kind=kind, content=content.strip(),
                                         preferred_time=preferred_time.strip()[:60], reported_at=now)
    for f in checked:
        OnlineReportPhoto.objects.create(report=report, file=f)
    notification_queue(recipients=users_with_roles(site_id=account.site_id, roles=[Role.FRONT_DESK]),
                       title=_("Online report from %(unit)s") % {"unit": account.unit.code},
                       body=report.content[:200], url=reverse("portal:desk_report", args=[report.pk]),
                       site_id=account.site_id,
                       subject=report, send_email=False, dedupe_key=f"portal:report:{report.pk}")
    return report


def _photo_copies(report: OnlineReport) -> list[ContentFile]:
    copies = []
    for photo in report.photos.all():
        with photo.file.open("rb") as fh:
            copies.append(ContentFile(fh.read(), name=(photo.file.name or "").rsplit("/", 1)[-1]))
    return copies


@transaction.atomic
def report_confirm(*, report: OnlineReport, actor: User, category: Category | None = None, subject: str = "",
                   now: datetime | None = None) -> OnlineReport:
    """The front desk confirms and classifies (T-01, C-01, C-15): a repair becomes a work order, a
    complaint a complaint taken by the front desk, a suggestion a suggestion; their clocks start now,
    on confirmation."""
    now = now or timezone.now()
    report = OnlineReport.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_handle_reports(actor, report.site_id):
        raise PermissionDenied
    _need(report.status == OnlineReport.Status.PENDING, _("This report has already been handled."), "bad_state")
    resident = report.account.resident
    text = report.content if not report.preferred_time else \
        f"{report.content}\n{_('Preferred time')}: {report.preferred_time}"
    if report.kind == OnlineReport.Kind.REPAIR:
        category = require_value(category, _("Choose the category."), "category")
        order = work_order_register(site=report.site, category=category, content=text, actor=actor, now=now,
                                    unit=report.unit, resident=resident, phone=report.account.phone,
                                    channel="resident",  # WorkOrder.Channel.RESIDENT
                                    photos=_photo_copies(report))
        report.work_order = order
    elif report.kind == OnlineReport.Kind.COMPLAINT:
        complaint = complaint_receive(site=report.site, actor=actor, subject=subject or report.content[:60],
                                      description=text, resident=resident, unit=report.unit,
                                      phone=report.account.phone, channel=COMPLAINT_CHANNEL,
                                      photos=_photo_copies(report), received_at=now, now=now)
        report.complaint = complaint
    else:  # C-15: recorded like a complaint without a handling deadline; the director's 5-day decision clock
        report.suggestion = suggestion_record(site=report.site, subject=subject or report.content[:60],
                                              content=text, actor=actor, resident=resident, unit=report.unit,
                                              phone=report.account.phone, channel=SUGGESTION_CHANNEL,
                                              now=now)
    report.status = OnlineReport.Status.CONFIRMED
    report.handled_at, report.handled_by = now, actor
    report.save()
    _tell(report.account, _("Your report was accepted"), report.content[:100],
          reverse("portal:report_detail", args=[report.pk]), key=f"portal:report:{report.pk}:confirmed",
          site_id=report.site_id)
    return report


@transaction.atomic
def report_decline(*, report: OnlineReport, actor: User, reason: str, now: datetime | None = None) -> OnlineReport:
    now = now or timezone.now()
    report = OnlineReport.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_handle_reports(actor, report.site_id):
        raise PermissionDenied
    _need(report.status == OnlineReport.Status.PENDING, _("This report has already been handled."), "bad_state")
    _need(bool(reason.strip()), _("Give the reason."), "reason")
    report.status = OnlineReport.Status.DECLINED
    report.decline_reason = reason.strip()[:200]
    report.handled_at, report.handled_by = now, actor
    report.save()
    _tell(report.account, _("Your report was not accepted"), report.decline_reason,
          reverse("portal:report_detail", args=[report.pk]), key=f"portal:report:{report.pk}:declined",
          site_id=report.site_id)
    return report


def _tell(account: ResidentAccount, title: str, body: str, url: str, *, key: str, site_id: int) -> None:
    """A notice on the resident pages, and an email where the resident gave one."""
    notification_queue(recipients=[account.user], title=title, body=body, url=url, site_id=site_id,
                       send_email=bool(account.email), dedupe_key=key)


# ---------------------------------------------------------------- P-03 evaluation
@transaction.atomic
def order_evaluate(*, account: ResidentAccount, order: WorkOrder, value: str, comment: str = "",
                   now: datetime | None = None) -> OnlineEvaluation:
    """After completion the resident evaluates; recorded on the order. "Unsatisfied" starts the path of
    an unsatisfied callback: the callback task (CB-01) is opened now with the resident's account, the
    zone manager is sent to check on site (CB-03) and the CS supervisor, one level up, is told (C-06).

    The account (the resident's own login and household) is the portal's to vouch for; the order's side
    (that household's, evaluable, the paper evaluation kept) is tickets' service, which locks the order,
    so a second evaluation sent at the same time waits and is then refused here."""
    now = now or timezone.now()
    _need(value in OnlineEvaluation.Value.values, _("Choose your evaluation."), "evaluation")
    comment = comment.strip()[:300]
    if value == OnlineEvaluation.Value.UNSATISFIED:
        _need(bool(comment), _("Tell us what is wrong."), "comment")
    order = work_order_evaluate_online(order=order, household_unit_id=account.unit_id, site_id=account.site_id,
                                       resident_user=account.user, evaluation=value, comment=comment, now=now)
    _need(not OnlineEvaluation.objects.filter(order=order).exists(), _("You have already evaluated this order."),
          "twice")
    evaluation = OnlineEvaluation.objects.create(order=order, account=account, value=value, comment=comment, at=now)
    if value == OnlineEvaluation.Value.UNSATISFIED:
        label = OnlineEvaluation.Value(value).label
        said = _("Resident's online evaluation: %(value)s. %(comment)s") % {"value": label, "comment": comment}
        cb = callback_request(subject=order, site_id=order.site_id, kind="ticket", policy_code="ticket.callback",
                              now=now, unit=order.unit, resident=order.resident, resident_name=order.reporter_name,
                              phone=order.phone,
                              summary=f"{order.number} {order.category.name}：{order.content[:100]}",
                              department_report=order.work_done)
        callback_site_check_request(callback=cb, note=said, now=now)
    return evaluation


def link_email(*, account: ResidentAccount, url: str) -> None:
    """The one-time link by email, where the resident gave one (core outbox)."""
    notification_queue(recipients=[account.user], title=_("Set your password for the resident pages"),
                       body=_("Open this link within %(h)d hours to set your password: %(url)s")
                       % {"h": int(LINK_LIFETIME.total_seconds() // 3600), "url": url},
                       url="", site_id=account.site_id, send_email=True)


# ---------------------------------------------------------------- P-04 notice board
@transaction.atomic
def notice_publish(*, site_id: int, actor: User, kind: str, title: str, body: str,
                   now: datetime | None = None) -> Notice:
    now = now or timezone.now()
    if not permissions.can_handle_reports(actor, site_id):
        raise PermissionDenied
    _need(kind in Notice.Kind.values, _("Choose the kind of notice."), "kind")
    _need(bool(title.strip()) and bool(body.strip()), _("Give the title and the text."), "text")
    return Notice.objects.create(site_id=site_id, kind=kind, title=" ".join(title.split())[:100], body=body.strip(),
                                 published_at=now, published_by=actor)


@transaction.atomic
def notice_withdraw(*, notice: Notice, actor: User, now: datetime | None = None) -> Notice:
    now = now or timezone.now()
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not permissions.can_handle_reports(actor, notice.site_id):
        raise PermissionDenied
    if notice.withdrawn_at is None:
        notice.withdrawn_at = now
        notice.save(update_fields=["withdrawn_at", "updated_at"])
    return notice
