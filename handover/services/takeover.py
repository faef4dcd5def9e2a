"""H-01 takeover: the developer's notice, the document check, the reply letter, inspections, acceptance."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.numbering import number_take
from core.service_kit import lock_row, require_value
from estates.models import Building, Unit
from handover import permissions as perm
from handover.models import (
    Defect,
    HandoverEvent,
    Inspection,
    InspectionResult,
    MoveIn,
    Scope,
    Takeover,
    TakeoverDocument,
)
from handover.services._common import _check_dates, _need, items_of
from handover.services.defects import defect_list
from keys.selectors import unit_keys_held
from keys.services import key_deposit_register

DEVELOPER_HANDOVER = "developer"  # the keys app's reason for keys the developer hands over (K-01)


# ---- H-01 takeover
@transaction.atomic
def takeover_register(*, site, developer: str, notified_on: date, actor: User, scope_note: str = "",
                      now: datetime | None = None) -> Takeover:
    """The developer notified the takeover: the document checklist is laid out from the item list."""
    now = now or timezone.now()
    _need(perm.can_takeover(actor, site.pk), _("Only the acceptance team of this site registers a takeover."))
    _need(bool(developer.strip()), _("Name the developer."), "developer")
    _need(notified_on <= timezone.localdate(now), _("The developer's notice cannot be dated in the future."),
          "notified_on")
    takeover = Takeover(site=site, developer=developer.strip(), notified_on=notified_on,
                        scope_note=scope_note.strip(), created_by=actor)
    seq = number_take(site_id=site.pk, series="JG", period=str(now.year))
    takeover.number = f"JG{now.year}-{seq:03d}"
    takeover.save()
    TakeoverDocument.objects.bulk_create([TakeoverDocument(takeover=takeover, item=i)
                                          for i in items_of(Scope.DOCUMENT)])
    HandoverEvent.log(takeover, actor=actor, kind="registered", at=now, note=takeover.developer)
    return takeover


@transaction.atomic
def takeover_documents_record(*, takeover: Takeover, lines: dict[int, dict], actor: User,
                              now: datetime | None = None) -> Takeover:
    """Tick the documents received against the checklist (seed 004 §B)."""
    now = now or timezone.now()
    takeover = lock_row(takeover)
    _need(perm.can_takeover(actor, takeover.site_id), _("Only the acceptance team of this site checks documents."))
    _need(takeover.status == Takeover.Status.DOCUMENTS,
          _("The reply letter has been issued; the document check is closed."), "bad_state")
    rows = {d.item_id: d for d in takeover.documents.select_for_update()}
    for item_id, line in lines.items():
        row = require_value(rows.get(int(item_id)), _("This document is not on the checklist."), "bad_item")
        row.received = bool(line.get("received"))
        row.copies = int(line.get("copies") or 0) if row.received else 0
        row.note = str(line.get("note") or "")[:200]
        row.save(update_fields=["received", "copies", "note"])
    got = sum(1 for r in rows.values() if r.received)
    HandoverEvent.log(takeover, actor=actor, kind="documents", at=now, data={"received": got, "of": len(rows)})
    return takeover


def missing_documents(takeover: Takeover) -> list[TakeoverDocument]:
    return [d for d in takeover.documents.select_related("item") if not d.received]


@transaction.atomic
def takeover_reply(*, takeover: Takeover, text: str, actor: User, now: datetime | None = None) -> Takeover:
    """验收复函: the team's reply to the developer after checking the documents; inspections follow."""
    now = now or timezone.now()
    takeover = lock_row(takeover)
    _need(perm.can_takeover(actor, takeover.site_id), _("Only the acceptance team of this site issues the reply."))
    _need(takeover.status == Takeover.Status.DOCUMENTS, _("The reply letter has been issued already."), "bad_state")
    _need(bool(text.strip()), _("Write the reply letter."), "text")
    takeover.reply_text = text.strip()
    takeover.reply(at=now, by=actor)
    takeover.save(update_fields=["status", "reply_text", "replied_at", "replied_by", "updated_at"])
    HandoverEvent.log(takeover, actor=actor, kind="replied", at=now,
                      data={"missing": [d.item.text for d in missing_documents(takeover)]})
    return takeover


@transaction.atomic
def takeover_accept(*, takeover: Takeover, actor: User, now: datetime | None = None) -> Takeover:
    now = now or timezone.now()
    takeover = lock_row(takeover)
    _need(perm.can_accept(actor, takeover.site_id),
          _("The service-center head or the site director signs the takeover."))
    _need(takeover.status == Takeover.Status.INSPECTING, _("Issue the reply letter and inspect first."), "bad_state")
    _need(takeover.inspections.exists(), _("Record at least one inspection before accepting."), "no_inspection")
    takeover.accept(at=now)
    takeover.save(update_fields=["status", "accepted_at", "updated_at"])
    HandoverEvent.log(takeover, actor=actor, kind="accepted", at=now,
                      data={"open_defects": takeover.defects.exclude(status=Defect.Status.CLOSED).count()})
    return takeover


# ---- inspections against the item lists (H-01, H-02)
@transaction.atomic
def inspection_record(*, site, scope: str, results: dict[int, dict], actor: User, takeover: Takeover | None = None,
                      move_in: MoveIn | None = None, building: Building | None = None, unit: Unit | None = None,
                      due_at: datetime | None = None, reinspect_on: date | None = None, note: str = "",
                      now: datetime | None = None) -> Inspection:
    """Pass/fail for every item of the list; every failed item becomes a defect on the list with the
    deadline agreed with the developer and a re-inspection date (遗留问题统计表)."""
    now = now or timezone.now()
    _need(scope in (Scope.UNIT, Scope.PUBLIC), _("Choose the unit list or the public-facility list."), "scope")
    if move_in is not None:
        _need(perm.can_move_in(actor, site.pk), _("Only the move-in desk of this site inspects with the owner."))
    else:
        _need(perm.can_takeover(actor, site.pk), _("Only the acceptance team of this site inspects."))
    if takeover is not None:
        _need(takeover.site_id == site.pk, _("This takeover belongs to another site."), "other_site")
        _need(takeover.status == Takeover.Status.INSPECTING,
              _("Inspections are recorded after the reply letter and before acceptance."), "bad_state")
    for obj in (building, unit):
        _need(obj is None or obj.site_id == site.pk, _("The building or unit is not at this site."), "other_site")
    if scope == Scope.UNIT:
        building = require_value(unit, _("Choose the unit inspected."), "unit").building
    items = {i.pk: i for i in items_of(scope)}
    missing = [i.text for pk, i in items.items() if pk not in results]
    _need(not missing, _("Every item needs a result; missing: %(items)s") % {"items": "、".join(missing)}, "results")
    failed = [(items[pk], r) for pk, r in results.items() if pk in items and not r.get("passed")]
    for item, r in failed:
        _need(bool(str(r.get("note") or "").strip()),
              _("Describe the problem found at “%(item)s”.") % {"item": item.text}, "note")
    agreed = _check_dates(due_at, reinspect_on, now) if failed else None
    insp = Inspection.objects.create(site=site, takeover=takeover, move_in=move_in, scope=scope, building=building,
                                     unit=unit, inspected_at=now, inspected_by=actor, passed=not failed,
                                     note=note.strip()[:200])
    InspectionResult.objects.bulk_create([
        InspectionResult(inspection=insp, item_id=pk, passed=bool(r.get("passed")), note=str(r.get("note") or "")[:200])
        for pk, r in results.items() if pk in items])
    where = unit.code if unit else (f"{building.number}#" if building else _("public facilities"))
    for item, r in failed:
        assert agreed is not None  # checked above whenever an item failed
        defect_list(site=site, location=f"{where} {item.text}", description=str(r["note"]).strip(), due_at=agreed[0],
                    reinspect_on=agreed[1], actor=actor, takeover=takeover, move_in=move_in, inspection=insp,
                    item=item, unit=unit, now=now, _checked=True)
    subject = move_in or takeover
    if subject is not None:
        HandoverEvent.log(subject, actor=actor, kind="inspected", at=now, note=str(where),
                          data={"inspection": insp.pk, "failed": len(failed)})
    return insp


@transaction.atomic
def takeover_keys_receive(*, inspection: Inspection, key_description: str, key_count: int, actor: User,
                          now: datetime | None = None):
    """H-01 / K-01: a unit that passed has its keys received into custody (a developer-handover deposit,
    approved and stored by the key app's dual control)."""
    now = now or timezone.now()
    _need(perm.can_takeover(actor, inspection.site_id), _("Only the acceptance team of this site receives keys."))
    inspection = lock_row(inspection)  # a double post waits here and then finds the keys already held
    takeover, unit = inspection.takeover, inspection.unit
    if takeover is None or unit is None:
        raise DomainError(_("Keys are received for a unit inspected in a takeover."), code="bad_inspection")
    unit = lock_row(unit)  # one custody per unit, whichever inspection receives its keys
    _need(inspection.passed, _("Only a unit that passed the inspection has its keys received."), "not_passed")
    _need(not unit_keys_held(unit.pk), _("The keys of this unit are already registered in custody."), "keys_held")
    deposit = key_deposit_register(site=inspection.site, unit=unit,
                                   reason=DEVELOPER_HANDOVER, key_description=key_description,
                                   key_count=key_count, actor=actor,
                                   depositor_name=takeover.developer[:60], now=now)
    HandoverEvent.log(takeover, actor=actor, kind="keys_received", at=now, note=unit.code,
                      data={"deposit": deposit.pk})
    return deposit

