"""Inspections and their rectifications (SPEC A-01, A-04): every service checks its own permission, locks
the row it changes and raises DomainError with a message the user can act on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.numbering import number_take
from core.uploads import check_image
from estates.models import Building, Department, Staff, Zone
from inspections import permissions
from inspections.models import (
    ZONE_KINDS,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    Kind,
    Rectification,
)
from inspections.services._common import MAX_PHOTOS, _q
from inspections.services.duties import _fulfil_duty

# ---------------------------------------------------------------- inspections

@dataclass
class ItemEntry:
    """What the inspector entered for one checklist item."""

    item_id: int
    passed: bool
    score: int | None
    note: str = ""
    photos: list = field(default_factory=list)
    owner: Staff | None = None  # rectification owner (failed items)
    due_at: datetime | None = None  # rectification deadline; default: the inspection.rectify policy


def _check_where(site: Any, kind: str, zone: Zone | None, building: Building | None,
                 department: Department | None) -> None:
    if zone is not None and zone.site_id != site.pk:
        raise DomainError(_("This zone belongs to another site."), code="zone")
    if building is not None and building.site_id != site.pk:
        raise DomainError(_("This building belongs to another site."), code="building")
    if department is not None and department.site_id != site.pk:
        raise DomainError(_("This department belongs to another site."), code="department")
    if kind in ZONE_KINDS and zone is None:
        raise DomainError(_("Choose the zone inspected."), code="zone")
    if kind == Kind.DEPARTMENT and department is None:
        raise DomainError(_("Choose the department whose area was inspected."), code="department")
    if building is not None and zone is not None and building.zone_id not in (None, zone.pk):
        raise DomainError(_("This building is not in the chosen zone."), code="building")


@transaction.atomic
def inspection_record(*, site: Any, kind: str, template: ChecklistTemplate, actor: User, entries: list[ItemEntry],
                      zone: Zone | None = None, building: Building | None = None,
                      department: Department | None = None, place: str = "", note: str = "",
                      now: datetime | None = None) -> Inspection:
    """Record a finished inspection: every item of the template pass/fail with a score in its range;
    every failed item becomes a rectification with an owner and a deadline (A-01, A-04)."""
    now = now or timezone.now()
    if kind not in Kind.values:
        raise DomainError(_("Choose the kind of inspection."), code="kind")
    if not permissions.can_inspect(actor, site.pk, kind):
        raise DomainError(_("You may not record this kind of inspection at this site."), code="not_allowed")
    if not template.is_active:
        raise DomainError(_("This checklist is no longer in use."), code="template")
    if building is not None and zone is None and kind in ZONE_KINDS:
        zone = building.zone
    _check_where(site, kind, zone, building, department)
    items = {i.pk: i for i in ChecklistItem.objects.filter(template=template)}
    if not items:
        raise DomainError(_("This checklist has no items."), code="template")
    seen = {e.item_id for e in entries}
    if seen != set(items) or len(entries) != len(items):
        raise DomainError(_("Judge every item of the checklist, each once."), code="items")
    scores: dict[int, int] = {}
    owners: dict[int, Staff] = {}
    for e in entries:
        item = items[e.item_id]
        if e.score is None or not (item.min_score <= e.score <= item.max_score):
            raise DomainError(_("The score of “%(item)s” must be between %(min)d and %(max)d.")
                              % {"item": item.text, "min": item.min_score, "max": item.max_score}, code="score")
        scores[e.item_id] = e.score
        if not e.passed:
            if e.owner is None:
                raise DomainError(_("Name the owner of the rectification of “%(item)s”.") % {"item": item.text},
                                  code="owner")
            if e.owner.site_id != site.pk or not e.owner.is_active:
                raise DomainError(_("The owner of a rectification must work at this site."), code="owner")
            if e.due_at is not None and e.due_at <= now:
                raise DomainError(_("The rectification deadline must be in the future."), code="due_at")
            owners[e.item_id] = e.owner
        if len(e.photos) > MAX_PHOTOS:
            raise DomainError(_("At most %(n)d photos per item.") % {"n": MAX_PHOTOS}, code="photos")
    photos = [[check_image(p) for p in e.photos] for e in entries]
    weight = sum((items[e.item_id].weight for e in entries), Decimal("0"))
    earned = sum((items[e.item_id].weight * Decimal(scores[e.item_id] - items[e.item_id].min_score)
                  / Decimal(items[e.item_id].max_score - items[e.item_id].min_score) for e in entries), Decimal("0"))
    inspection = Inspection.objects.create(
        site=site, number="~" + uuid.uuid4().hex[:19], kind=kind,
        template=template, zone=zone, building=building, department=department, place=place.strip()[:100],
        inspector=actor, inspected_at=now, score=_q(earned * 100 / weight), note=note.strip(),
        failed_count=sum(1 for e in entries if not e.passed))
    for e, files in zip(entries, photos, strict=True):
        item = items[e.item_id]
        result = InspectionResult.objects.create(inspection=inspection, item=item, passed=e.passed,
                                                 score=scores[e.item_id],
                                                 note=e.note.strip()[:300])
        for f in files:
            InspectionPhoto.objects.create(inspection=inspection, result=result, file=f, uploaded_by=actor)
        if not e.passed:
            rect = Rectification.objects.create(
                site=site, inspection=inspection, result=result, owner=owners[e.item_id],
                description=(e.note.strip() or item.text)[:300], due_at=e.due_at or now)
            deadline = deadline_start(subject=rect, code="inspection.rectify", now=now, site_id=site.pk,
                                      due_at=e.due_at)
            rect.due_at = deadline.due_at
            rect.save(update_fields=["due_at"])
    _fulfil_duty(inspection, now)
    period = timezone.localdate(now).strftime("%Y%m")
    n = number_take(site_id=site.pk, series="XJ", period=period)  # last: the counter row stays locked
    inspection.number = f"XJ-{period}-{n:04d}"
    inspection.save(update_fields=["number"])
    return inspection


@transaction.atomic
def rectification_report_done(*, rect: Rectification, actor: User, note: str, photos=(),
                              now: datetime | None = None) -> Rectification:
    now = now or timezone.now()
    rect = Rectification.objects.select_for_update(of=("self",)).select_related("owner").get(pk=rect.pk)
    if not permissions.can_report_done(actor, rect):
        raise DomainError(_("Only the owner or a supervisor reports this rectification done."), code="not_allowed")
    if rect.status != Rectification.Status.OPEN:
        raise DomainError(_("This rectification is not open."), code="bad_state")
    if not note.strip():
        raise DomainError(_("Say what was done."), code="note")
    files = [check_image(p) for p in photos]
    rect.status = Rectification.Status.DONE
    rect.done_at, rect.done_by, rect.done_note = now, actor, note.strip()
    rect.save(update_fields=["status", "done_at", "done_by", "done_note", "updated_at"])
    for f in files:
        InspectionPhoto.objects.create(inspection_id=rect.inspection_id, result_id=rect.result_id, file=f,
                                       uploaded_by=actor)
    deadline_stop(subject=rect, code="inspection.rectify", now=now)
    return rect


@transaction.atomic
def rectification_verify(*, rect: Rectification, actor: User, passed: bool, note: str = "",
                         now: datetime | None = None) -> Rectification:
    """Closed only after someone else than the owner (and than who reported it done) verified it."""
    now = now or timezone.now()
    rect = Rectification.objects.select_for_update(of=("self",)).select_related("owner").get(pk=rect.pk)
    if rect.status == Rectification.Status.OPEN:
        raise DomainError(_("This rectification has not been reported done: it cannot be closed yet."),
                          code="not_done")
    if rect.status == Rectification.Status.VERIFIED:
        raise DomainError(_("This rectification is already verified."), code="bad_state")
    if actor.pk in (rect.owner.user_id, rect.done_by_id):
        raise DomainError(_("A rectification is verified by someone else than the person who did it."),
                          code="same_person")
    if not permissions.can_verify(actor, rect):
        raise DomainError(_("You may not verify rectifications at this site."), code="not_allowed")
    if passed:
        rect.status = Rectification.Status.VERIFIED
        rect.verified_at, rect.verified_by, rect.verify_note = now, actor, note.strip()
        rect.save(update_fields=["status", "verified_at", "verified_by", "verify_note", "updated_at"])
        return rect
    if not note.strip():
        raise DomainError(_("Say why the rectification is sent back."), code="note")
    rect.status = Rectification.Status.OPEN
    rect.reopened += 1
    rect.verify_note = note.strip()
    rect.done_at = None
    rect.done_by = None
    rect.save(update_fields=["status", "reopened", "verify_note", "done_at", "done_by", "updated_at"])
    due = rect.due_at if rect.due_at > now else None
    deadline = deadline_start(subject=rect, code="inspection.rectify", now=now, site_id=rect.site_id, due_at=due)
    rect.due_at = deadline.due_at
    rect.save(update_fields=["due_at"])
    return rect

