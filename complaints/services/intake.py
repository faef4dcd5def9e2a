"""C-01 intake: receive, register at the front desk, C-12 first contact."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from complaints import permissions as perm
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintPhoto,
    Severity,
)
from complaints.services._common import (
    MAX_PHOTOS,
    E,
    S,
    _front_desk,
    _inform_first_responder,
    _lock,
    _save,
    _staff,
    complaint_number,
    photo_check,
)
from complaints.services.chain import chain_alert, chain_start
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.mail import single_line
from core.notifications import notification_queue
from core.roles import is_company_level
from core.service_kit import as_user, require
from estates.actors import Actor


# ---------------------------------------------------------------- C-01 intake
@transaction.atomic
def complaint_receive(*, site: Any, actor: Actor | None, subject: str, description: str = "", resident: Any = None,
                      unit: Any = None, address: str = "", phone: str = "", complainant_name: str = "",
                      channel: str = Complaint.Channel.VISIT, severity: str = Severity.NORMAL,
                      kind: str = Complaint.Kind.COMPLAINT, received_at: datetime | None = None,
                      photos: Iterable[Any] = (), now: datetime | None = None) -> Complaint:
    """Any employee records a complaint (C-01) and becomes its first-responder (首问责任人)."""
    now = now or timezone.now()
    staff = _staff(actor)
    user = as_user(actor)
    require(perm.can_receive(user) and staff is not None, _("Only employees can record complaints."))
    require(staff.site_id == site.pk or is_company_level(user),
             _("You cannot record complaints for another site."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="photo_count")
    photos = [photo_check(f) for f in photos]
    if resident is not None:
        unit = unit or resident.unit
        complainant_name = complainant_name or resident.name
        phone = phone or resident.phone
        require(resident.site_id == site.pk, _("The resident lives at another site."), "site")
    if unit is not None:
        require(unit.site_id == site.pk, _("The unit belongs to another site."), "site")
        address = address or unit.code
    if not (subject or "").strip():
        raise DomainError(_("Enter the subject of the complaint."), code="subject")
    c = Complaint.objects.create(  # a placeholder number until the real one is taken, last
        site=site, number="~" + uuid.uuid4().hex[:20], kind=kind, channel=channel,
        received_at=received_at or now, received_by=staff, resident=resident, unit=unit,
        complainant_name=complainant_name, address=address, phone=phone, subject=single_line(subject),
        description=description, severity=severity)
    for f in photos:
        ComplaintPhoto.objects.create(complaint=c, file=f, uploaded_by=user)
    ComplaintEvent.record(c, actor=user, kind=E.RECEIVED, at=now,
                          data={"severity": severity, "channel": channel, "photos": len(photos)})
    if kind == Complaint.Kind.PRAISE:  # C-11: recorded like a complaint, without a deadline
        c.is_valid = True
        c.register(by=staff, at=now)
        c.close(at=now)
        ComplaintEvent.record(c, actor=user, kind=E.CLOSED, note=_("Praise recorded."), at=now)
        c.number = complaint_number(site, now)
        c.save()
        return c
    front_desk = perm.is_front_desk(user)
    if front_desk:
        _register(c, staff=staff, now=now)
    else:
        deadline_start(subject=c, code="complaint.forward", now=c.received_at, site_id=c.site_id)  # C-01
    if c.in_chain:  # C-05: from receipt
        chain_start(c, now=now, at=c.received_at)
    # Issue 23.1/13.11: the number last — its counter row stays locked until commit; only the
    # notices that quote it follow.
    c.number = complaint_number(site, now)
    c.save()
    if not front_desk:
        notification_queue(recipients=_front_desk(c.site_id), title=_("New complaint to register: %s") % c.number,
                           body=c.subject, url=c.get_absolute_url(), kind="info", site_id=c.site_id, subject=c,
                           dedupe_key=f"complaint:{c.pk}:forward")
    if c.in_chain:
        chain_alert(c, now=now)
        c.save()
    return c


def _register(c: Complaint, *, staff: Any, now: datetime) -> None:
    c.register(by=staff, at=now)
    deadline_stop(subject=c, code="complaint.forward", now=now)
    deadline_start(subject=c, code="complaint.first_contact", now=now, site_id=c.site_id)  # C-12
    deadline_start(subject=c, code="complaint.first_reply", now=now, site_id=c.site_id)  # C-12
    deadline_start(subject=c, code="complaint.dispatch", now=now, site_id=c.site_id)  # C-02
    ComplaintEvent.record(c, actor=staff.user if staff else None, kind=E.REGISTERED, at=now)


@transaction.atomic
def complaint_register(*, complaint: Complaint, actor: Actor | None, now: datetime | None = None) -> Complaint:
    """The front desk takes a complaint another employee received (stops the C-01 forward clock)."""
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_register(as_user(actor), c) and can_proceed(c.register),
             _("This complaint cannot be registered now."))
    _register(c, staff=_staff(actor), now=now)
    c.save()
    _inform_first_responder(c, _("taken by the front desk"), key="registered")
    return c


# ---------------------------------------------------------------- C-12 first contact
@transaction.atomic
def complaint_contact(*, complaint: Complaint, actor: Actor | None, note: str = "", reply: bool = False,
                      now: datetime | None = None) -> Complaint:
    now = now or timezone.now()
    c = _lock(complaint)
    require(perm.can_propose(as_user(actor), c) or perm.can_work(as_user(actor), c),
             _("You cannot record contact with the complainant."))
    require(c.status != S.RECEIVED, _("The front desk must take the complaint first."), "state")
    fields = []
    if c.first_contact_at is None:
        c.first_contact_at = now
        fields.append("first_contact_at")
        deadline_stop(subject=c, code="complaint.first_contact", now=now)
    if reply and c.first_reply_at is None:
        c.first_reply_at = now
        fields.append("first_reply_at")
        deadline_stop(subject=c, code="complaint.first_reply", now=now)
    if fields:
        _save(c, *fields)
    ComplaintEvent.record(c, actor=as_user(actor), kind=E.REPLIED if reply else E.CONTACTED, note=note, at=now)
    return c
