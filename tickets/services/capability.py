"""SPEC T-17 capability check (能否受理): the front desk refers a request it cannot confirm the center can
fulfil to the service-center head, who — in his own login (T-18) — accepts it (it becomes a work order,
received when the resident asked) or declines it with the reason told to the resident. Clock
`ticket.capability` (same working day); on breach the CS supervisor is told (SPEC §15)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from core.uploads import IMAGE, PDF, check_file
from estates.actors import Actor
from estates.models import Resident, Unit
from estates.selectors import users_with_roles
from tickets import permissions
from tickets.models import CapabilityReferral, Category, WorkOrder, WorkOrderEvent
from tickets.services.registration import work_order_register

CLOCK = "ticket.capability"


def _lock(referral: CapabilityReferral, version: int | None) -> CapabilityReferral:
    locked = CapabilityReferral.objects.select_for_update(of=("self",)).select_related("site").get(pk=referral.pk)
    require(version is None or int(version) == locked.version,
            _("Someone changed this record meanwhile: reload the page."), "conflict")
    return locked


@transaction.atomic
def capability_refer(*, site, content: str, actor: Actor | None, question: str = "", unit: Unit | None = None,
                     resident: Resident | None = None, category: Category | None = None, reporter_name: str = "",
                     phone: str = "", channel: str = WorkOrder.Channel.PHONE, location: str = "",
                     now: datetime | None = None) -> CapabilityReferral:
    """The front desk refers the request; the head gets an inbox item and the clock starts."""
    now = now or timezone.now()
    user = as_user(actor)
    require(user is not None and permissions.can_refer(user, site.pk),
            _("Only the front desk refers a request to the head."))
    assert user is not None
    require(bool(content.strip()), _("Describe the request."), "content")
    require(unit is None or unit.site_id == site.pk, _("This unit belongs to another site."), "unit")
    if resident is not None:
        require(resident.site_id == site.pk, _("This resident belongs to another site."), "resident")
        unit = unit or resident.unit
        reporter_name = reporter_name or resident.name
        phone = phone or resident.phone
    require(unit is not None or bool(location.strip()), _("Give the unit or, for a public area, the location."),
            "location")
    referral = CapabilityReferral.objects.create(
        site=site, unit=unit, resident=resident, category=category, content=content.strip(),
        question=question.strip()[:300], reporter_name=reporter_name, phone=phone, channel=channel,
        location=location, referred_by=user, referred_at=now)
    deadline = deadline_start(subject=referral, code=CLOCK, now=now, site_id=site.pk)
    heads = users_with_roles(site_id=site.pk, roles=[Role.CENTER_HEAD])
    notification_queue(recipients=heads, title=_("Can we take this on? %(content)s") % {"content": content[:60]},
                       body=question or content[:200], url=referral.get_absolute_url(), kind="reminder",
                       site_id=site.pk, subject=referral, deadline=deadline, dedupe_key=f"ref:{referral.pk}:refer")
    return referral


@transaction.atomic
def capability_accept(*, referral: CapabilityReferral, actor: Actor | None, category: Category | None = None,
                      note: str = "", now: datetime | None = None, version: int | None = None) -> CapabilityReferral:
    """The head accepts: the request becomes a work order, received when the resident asked (T-01)."""
    now = now or timezone.now()
    user = as_user(actor)
    referral = _lock(referral, version)
    require(permissions.can_decide_referral(user, referral), _("Only the service-center head decides."))
    require(referral.status == CapabilityReferral.Status.PENDING, _("This request has been decided."), "state")
    category = category or referral.category
    if category is None:
        raise DomainError(_("Choose the category of the work."), code="category")
    order = work_order_register(site=referral.site, category=category, content=referral.content, actor=actor,
                                now=now, unit=referral.unit, resident=referral.resident,
                                reporter_name=referral.reporter_name, phone=referral.phone,
                                channel=referral.channel, location=referral.location)
    WorkOrderEvent.record(order, actor=user, kind=WorkOrderEvent.Kind.REFERRAL_ACCEPTED, at=now, note=note,
                          data={"referral": referral.pk, "referred_at": referral.referred_at.isoformat()})
    referral.category = category
    referral.accept(by=user, at=now, order=order)
    referral.version += 1
    referral.save(update_fields=["status", "category", "decided_by", "decided_at", "order", "version", "updated_at"])
    deadline_stop(subject=referral, code=CLOCK, now=now)
    notification_queue(recipients=[referral.referred_by],
                       title=_("Accepted by the head: work order %(n)s") % {"n": order.number},
                       url=order.get_absolute_url(), kind="info", site_id=referral.site_id, subject=referral,
                       dedupe_key=f"ref:{referral.pk}:decided")
    return referral


@transaction.atomic
def capability_decline(*, referral: CapabilityReferral, actor: Actor | None, reason: str, told_resident: str,
                       now: datetime | None = None, version: int | None = None) -> CapabilityReferral:
    """The head declines with the reason and records how the resident was told (T-17)."""
    now = now or timezone.now()
    user = as_user(actor)
    referral = _lock(referral, version)
    require(permissions.can_decide_referral(user, referral), _("Only the service-center head decides."))
    require(referral.status == CapabilityReferral.Status.PENDING, _("This request has been decided."), "state")
    require(bool(reason.strip()), _("Give the reason."), "reason")
    require(bool(told_resident.strip()), _("Record how the resident was told."), "told_resident")
    referral.decline(by=user, at=now, reason=reason.strip(), told=told_resident.strip())
    referral.version += 1
    referral.save(update_fields=["status", "decided_by", "decided_at", "decline_reason", "told_resident",
                                 "version", "updated_at"])
    deadline_stop(subject=referral, code=CLOCK, now=now)
    notification_queue(recipients=[referral.referred_by], title=_("Declined by the head: %(reason)s")
                       % {"reason": reason[:80]}, url=referral.get_absolute_url(), kind="info",
                       site_id=referral.site_id, subject=referral, dedupe_key=f"ref:{referral.pk}:decided")
    return referral


@transaction.atomic
def capability_record_paper(*, referral: CapabilityReferral, actor: Actor | None, signer, scan, accept: bool,
                            signed_at: datetime, category: Category | None = None, reason: str = "",
                            told_resident: str = "", now: datetime | None = None,
                            version: int | None = None) -> CapabilityReferral:
    """SPEC T-18: the head decided on paper. The front desk records it with the scan of the signed form
    (checked by content); the signer must be the site's service-center head; the recorder is named."""
    now = now or timezone.now()
    user = as_user(actor)
    signer = as_user(signer)
    referral = _lock(referral, version)
    require(user is not None and permissions.can_refer(user, referral.site_id),
            _("Only the front desk records a decision signed on paper."))
    require(referral.status == CapabilityReferral.Status.PENDING, _("This request has been decided."), "state")
    require(signer is not None and permissions.can_decide_referral(signer, referral),
            _("The person who signed must be the service-center head of this site."), "signer")
    require(scan is not None, _("Attach the scan or photo of the signed form."), "scan")
    require(signed_at <= now + timedelta(minutes=5), _("The signing time is in the future."), "signed_at")
    require(signed_at >= referral.referred_at - timedelta(minutes=5),
            _("The signing time is before the request was referred."), "signed_at")
    referral.paper_scan.save(f"referral-{referral.pk}", check_file(scan, (PDF, IMAGE)), save=False)
    referral.on_paper, referral.recorded_by = True, user
    if accept:
        category = category or referral.category
        if category is None:
            raise DomainError(_("Choose the category of the work."), code="category")
        order = work_order_register(site=referral.site, category=category, content=referral.content, actor=actor,
                                    now=now, unit=referral.unit, resident=referral.resident,
                                    reporter_name=referral.reporter_name, phone=referral.phone,
                                    channel=referral.channel, location=referral.location)
        WorkOrderEvent.record(order, actor=user, kind=WorkOrderEvent.Kind.REFERRAL_ACCEPTED, at=now,
                              data={"referral": referral.pk, "on_paper": True, "signer": signer.get_username(),
                                    "signed_at": signed_at.isoformat()})
        referral.category = category
        referral.accept(by=signer, at=signed_at, order=order)
    else:
        require(bool(reason.strip()), _("Give the reason."), "reason")
        require(bool(told_resident.strip()), _("Record how the resident was told."), "told_resident")
        referral.decline(by=signer, at=signed_at, reason=reason.strip(), told=told_resident.strip())
    referral.version += 1
    referral.save(update_fields=["status", "category", "decided_by", "decided_at", "order", "decline_reason",
                                 "told_resident", "on_paper", "paper_scan", "recorded_by", "version", "updated_at"])
    deadline_stop(subject=referral, code=CLOCK, now=now)
    return referral
