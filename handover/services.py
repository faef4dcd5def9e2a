"""Takeover acceptance and move-in (SPEC H-01..H-03): every rule lives here and re-checks its permission."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.numbering import number_take
from core.roles import Role
from core.validators import normalize_id_number
from estates.models import Building, Resident, Unit, UnitDocument
from estates.selectors import users_with_roles
from handover import permissions as perm
from handover.models import (
    ChecklistItem,
    Defect,
    HandoverEvent,
    Inspection,
    InspectionResult,
    MoveIn,
    MoveInDocument,
    Scope,
    Takeover,
    TakeoverDocument,
)

DEFECT_CLOCK = "handover.defect"
Step = MoveIn.Step


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def items_of(scope: str) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(scope=scope, is_active=True).order_by("position", "id"))


# ---- H-01 takeover
@transaction.atomic
def takeover_register(*, site, developer: str, notified_on: date, actor, scope_note: str = "",
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
def takeover_documents_record(*, takeover: Takeover, lines: dict[int, dict], actor,
                              now: datetime | None = None) -> Takeover:
    """Tick the documents received against the checklist (seed 004 §B)."""
    now = now or timezone.now()
    takeover = _lock(Takeover, takeover)
    _need(perm.can_takeover(actor, takeover.site_id), _("Only the acceptance team of this site checks documents."))
    _need(takeover.status == Takeover.Status.DOCUMENTS,
          _("The reply letter has been issued; the document check is closed."), "bad_state")
    rows = {d.item_id: d for d in takeover.documents.select_for_update()}
    for item_id, line in lines.items():
        row = rows.get(int(item_id))
        _need(row is not None, _("This document is not on the checklist."), "bad_item")
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
def takeover_reply(*, takeover: Takeover, text: str, actor, now: datetime | None = None) -> Takeover:
    """验收复函: the team's reply to the developer after checking the documents; inspections follow."""
    now = now or timezone.now()
    takeover = _lock(Takeover, takeover)
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
def takeover_accept(*, takeover: Takeover, actor, now: datetime | None = None) -> Takeover:
    now = now or timezone.now()
    takeover = _lock(Takeover, takeover)
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
def _check_dates(due_at: datetime | None, reinspect_on: date | None, now: datetime) -> None:
    _need(due_at is not None and reinspect_on is not None,
          _("Give the rectification deadline agreed with the developer and the re-inspection date."), "due_at")
    _need(due_at > now, _("The rectification deadline must be in the future."), "due_at")
    _need(reinspect_on >= timezone.localdate(due_at),
          _("The re-inspection cannot be before the rectification deadline."), "reinspect_on")


@transaction.atomic
def inspection_record(*, site, scope: str, results: dict[int, dict], actor, takeover: Takeover | None = None,
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
        _need(unit is not None, _("Choose the unit inspected."), "unit")
        building = unit.building
    items = {i.pk: i for i in items_of(scope)}
    missing = [i.text for pk, i in items.items() if pk not in results]
    _need(not missing, _("Every item needs a result; missing: %(items)s") % {"items": "、".join(missing)}, "results")
    failed = [(items[pk], r) for pk, r in results.items() if pk in items and not r.get("passed")]
    for item, r in failed:
        _need(bool(str(r.get("note") or "").strip()),
              _("Describe the problem found at “%(item)s”.") % {"item": item.text}, "note")
    if failed:
        _check_dates(due_at, reinspect_on, now)
    insp = Inspection.objects.create(site=site, takeover=takeover, move_in=move_in, scope=scope, building=building,
                                     unit=unit, inspected_at=now, inspected_by=actor, passed=not failed,
                                     note=note.strip()[:200])
    InspectionResult.objects.bulk_create([
        InspectionResult(inspection=insp, item_id=pk, passed=bool(r.get("passed")), note=str(r.get("note") or "")[:200])
        for pk, r in results.items() if pk in items])
    where = unit.code if unit else (f"{building.number}#" if building else _("public facilities"))
    for item, r in failed:
        defect_list(site=site, location=f"{where} {item.text}", description=str(r["note"]).strip(), due_at=due_at,
                    reinspect_on=reinspect_on, actor=actor, takeover=takeover, move_in=move_in, inspection=insp,
                    item=item, unit=unit, now=now, _checked=True)
    subject = move_in or takeover
    if subject is not None:
        HandoverEvent.log(subject, actor=actor, kind="inspected", at=now, note=str(where),
                          data={"inspection": insp.pk, "failed": len(failed)})
    return insp


@transaction.atomic
def takeover_keys_receive(*, inspection: Inspection, key_description: str, key_count: int, actor,
                          now: datetime | None = None):
    """H-01 / K-01: a unit that passed has its keys received into custody (a developer-handover deposit,
    approved and stored by the key app's dual control)."""
    from keys.models import KeyDeposit  # noqa: PLC0415
    from keys.services import key_deposit_register  # noqa: PLC0415

    now = now or timezone.now()
    _need(perm.can_takeover(actor, inspection.site_id), _("Only the acceptance team of this site receives keys."))
    _need(inspection.takeover_id is not None and inspection.unit_id is not None,
          _("Keys are received for a unit inspected in a takeover."), "bad_inspection")
    _need(inspection.passed, _("Only a unit that passed the inspection has its keys received."), "not_passed")
    busy = KeyDeposit.objects.filter(unit_id=inspection.unit_id).exclude(
        status__in=[KeyDeposit.Status.RETURNED, KeyDeposit.Status.CANCELLED]).exists()
    _need(not busy, _("The keys of this unit are already registered in custody."), "keys_held")
    deposit = key_deposit_register(site=inspection.site, unit=inspection.unit,
                                   reason=KeyDeposit.Reason.DEVELOPER_HANDOVER, key_description=key_description,
                                   key_count=key_count, actor=actor,
                                   depositor_name=inspection.takeover.developer[:60], now=now)
    HandoverEvent.log(inspection.takeover, actor=actor, kind="keys_received", at=now, note=inspection.unit.code,
                      data={"deposit": deposit.pk})
    return deposit


# ---- the defect list (遗留问题统计表)
@transaction.atomic
def defect_list(*, site, location: str, description: str, due_at: datetime, reinspect_on: date, actor,
                takeover: Takeover | None = None, move_in: MoveIn | None = None, inspection: Inspection | None = None,
                item: ChecklistItem | None = None, unit: Unit | None = None, now: datetime | None = None,
                _checked: bool = False) -> Defect:
    now = now or timezone.now()
    if not _checked:
        _need(perm.can_list_defect(actor, site.pk), _("Only the acceptance team or the move-in desk lists defects."))
        _need(unit is None or unit.site_id == site.pk, _("The unit is not at this site."), "other_site")
        _check_dates(due_at, reinspect_on, now)
    _need(bool(location.strip()) and bool(description.strip()), _("Give the location and the problem."), "description")
    defect = Defect(site=site, location=location.strip()[:100], description=description.strip(), due_at=due_at,
                    reinspect_on=reinspect_on, takeover=takeover, move_in=move_in, inspection=inspection, item=item,
                    unit=unit, created_by=actor)
    seq = number_take(site_id=site.pk, series="YL", period=str(now.year))
    defect.number = f"YL{now.year}-{seq:04d}"
    defect.save()
    deadline_start(subject=defect, code=DEFECT_CLOCK, now=now, site_id=site.pk, due_at=due_at)
    HandoverEvent.log(defect, actor=actor, kind="listed", at=now, note=defect.description,
                      data={"due_at": due_at.isoformat(), "reinspect_on": reinspect_on.isoformat()})
    return defect


@transaction.atomic
def defect_rectified(*, defect: Defect, actor, note: str = "", now: datetime | None = None) -> Defect:
    """The developer reports the defect rectified: it waits for re-inspection (it is not closed)."""
    now = now or timezone.now()
    defect = _lock(Defect, defect)
    _need(perm.can_record_rectified(actor, defect), _("You may not record the developer's rectification."))
    _need(defect.status == Defect.Status.OPEN, _("This defect is not waiting for the developer."), "bad_state")
    defect.rectified(at=now)
    defect.save(update_fields=["status", "rectified_at", "updated_at"])
    deadline_stop(subject=defect, code=DEFECT_CLOCK, now=now)
    HandoverEvent.log(defect, actor=actor, kind="rectified", at=now, note=note.strip())
    return defect


@transaction.atomic
def defect_reinspect(*, defect: Defect, passed: bool, note: str, actor, new_due_at: datetime | None = None,
                     new_reinspect_on: date | None = None, now: datetime | None = None) -> Defect:
    """复验: a defect closes only here, after the developer's rectification; failed → back to the developer
    with a new agreed date and its clock restarted."""
    now = now or timezone.now()
    defect = _lock(Defect, defect)
    _need(perm.can_reinspect(actor, defect), _("Only the acceptance team of this site re-inspects."))
    _need(defect.status == Defect.Status.RECTIFIED,
          _("A defect closes only after the developer's rectification and a re-inspection; it is not rectified yet."),
          "not_rectified")
    _need(bool(note.strip()), _("Record what the re-inspection found."), "note")
    if passed:
        defect.close(at=now, by=actor)
        defect.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        HandoverEvent.log(defect, actor=actor, kind="closed", at=now, note=note.strip())
        return defect
    _check_dates(new_due_at, new_reinspect_on, now)
    defect.reopen(due_at=new_due_at, reinspect_on=new_reinspect_on)
    defect.save(update_fields=["status", "due_at", "reinspect_on", "rectified_at", "updated_at"])
    deadline_start(subject=defect, code=DEFECT_CLOCK, now=now, site_id=defect.site_id, due_at=new_due_at)
    HandoverEvent.log(defect, actor=actor, kind="reinspection_failed", at=now, note=note.strip(),
                      data={"due_at": new_due_at.isoformat()})
    return defect


def defect_overdue_record(*, defect_id: int, now: datetime) -> None:
    """Breach of `handover.defect` (the engine notifies the policy's roles): history + the developer reminder."""
    defect = Defect.objects.filter(pk=defect_id).first()
    if defect is None or defect.status != Defect.Status.OPEN:
        return
    HandoverEvent.log(defect, actor=None, kind="overdue", at=now,
                      note=_("Past the agreed date: the developer is reminded."))


# ---- H-02 move-in, the steps in order
@transaction.atomic
def move_in_open(*, unit: Unit, actor, now: datetime | None = None) -> MoveIn:
    now = now or timezone.now()
    _need(perm.can_move_in(actor, unit.site_id), _("Only the move-in desk of this site opens a move-in."))
    owner = unit.residents.filter(kind=Resident.Kind.OWNER, is_active=True).order_by("id").first()
    try:
        with transaction.atomic():
            mi = MoveIn.objects.create(site_id=unit.site_id, unit=unit, resident=owner, created_by=actor)
    except IntegrityError as err:
        raise DomainError(_("Unit %(unit)s already has a move-in.") % {"unit": unit.code}, code="exists") from err
    HandoverEvent.log(mi, actor=actor, kind="opened", at=now)
    return mi


def _step(move_in: MoveIn, actor, expected: str) -> MoveIn:
    """Lock, check the desk may act and that `expected` is the next step (H-02: no step skipped)."""
    mi = _lock(MoveIn, move_in)
    _need(perm.can_move_in(actor, mi.site_id), _("Only the move-in desk of this site records move-in steps."))
    _need(mi.step not in (Step.DONE, Step.CANCELLED), _("This move-in is finished."), "bad_state")
    if mi.step != expected:
        here, want = MoveIn.ORDER.index(mi.step), MoveIn.ORDER.index(expected)
        if want > here:
            raise DomainError(_("Steps go in order: first “%(step)s”.") % {"step": Step(mi.step).label},
                              code="out_of_order")
        raise DomainError(_("“%(step)s” is recorded already.") % {"step": Step(expected).label}, code="done")
    return mi


def _advance(mi: MoveIn, actor, fields: list[str], now: datetime, note: str = "", data: dict | None = None) -> MoveIn:
    done = mi.step
    mi.step = MoveIn.ORDER[MoveIn.ORDER.index(mi.step) + 1]
    mi.save(update_fields=["step", "updated_at", *fields])
    HandoverEvent.log(mi, actor=actor, kind=done, at=now, note=note, data=data)
    return mi


@transaction.atomic
def move_in_identity(*, move_in: MoveIn, resident: Resident, id_number: str, identity_doc: str, actor,
                     now: datetime | None = None) -> MoveIn:
    """Step 1: the owner's identity against the registry (the full number is not stored here)."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.IDENTITY)
    _need(resident.unit_id == mi.unit_id and resident.kind == Resident.Kind.OWNER and resident.is_active,
          _("Choose an owner of this unit."), "resident")
    try:
        number = normalize_id_number(id_number)
    except ValidationError as err:
        raise DomainError(err.messages[0], code="id_number") from err
    _need(bool(number), _("Enter the owner's ID number."), "id_number")
    if resident.id_number:
        on_record = "".join(resident.id_number.split()).upper()
        _need(on_record == number,
              _("The ID number does not match the owner on record."), "id_mismatch")
    _need(bool(identity_doc.strip()), _("Say which identity document was shown."), "identity_doc")
    mi.resident, mi.identity_doc, mi.identity_at = resident, identity_doc.strip()[:40], now
    return _advance(mi, actor, ["resident", "identity_doc", "identity_at"], now, note=resident.name,
                    data={"id_last4": number[-4:]})


@transaction.atomic
def move_in_fees(*, move_in: MoveIn, lines: list[tuple[str, Any]], method: str, actor,
                 now: datetime | None = None) -> MoveIn:
    """Step 2: the move-in fees billed and paid through `fees` (one bill, one payment with its receipt)."""
    from fees.services import one_off_bill_issue, payment_post  # noqa: PLC0415

    now = now or timezone.now()
    mi = _step(move_in, actor, Step.FEES)
    bill = one_off_bill_issue(unit=mi.unit, title=_("Move-in fees"), lines=lines, actor=actor, now=now)
    payment = payment_post(unit=mi.unit, amount=bill.total, method=method, actor=actor, now=now, bills=[bill],
                           payer=mi.resident.name if mi.resident else "", note=_("Move-in fees"))
    mi.payment, mi.fees_at = payment, now
    return _advance(mi, actor, ["payment", "fees_at"], now, data={"bill": bill.pk, "amount": str(bill.total)})


@transaction.atomic
def move_in_documents(*, move_in: MoveIn, scans: dict[str, Any], actor, now: datetime | None = None) -> MoveIn:
    """Step 3: the agreement, management rules and fire-safety pledge signed; scans go to the resident file."""
    from estates.services import unit_document_add  # noqa: PLC0415

    now = now or timezone.now()
    mi = _step(move_in, actor, Step.DOCUMENTS)
    kinds = MoveInDocument.Kind
    missing = [str(k.label) for k in kinds if not scans.get(k.value)]
    _need(not missing, _("Upload the signed scan of: %(docs)s") % {"docs": "、".join(missing)}, "scans")
    doc_type = {kinds.SERVICE_AGREEMENT: UnitDocument.DocType.AGREEMENT, kinds.RULES: UnitDocument.DocType.AGREEMENT,
                kinds.FIRE_PLEDGE: UnitDocument.DocType.MOVE_IN}
    for k in kinds:
        doc = unit_document_add(unit=mi.unit, doc_type=doc_type[k], upload=scans[k.value], actor=actor,
                                title=str(k.label), now=now)
        MoveInDocument.objects.create(move_in=mi, kind=k.value, unit_document=doc)
    mi.documents_at = now
    return _advance(mi, actor, ["documents_at"], now)


def key_in_custody(unit: Unit):
    from keys.models import KeyDeposit  # noqa: PLC0415

    return KeyDeposit.objects.filter(unit=unit, status=KeyDeposit.Status.STORED).order_by("id").first()


@transaction.atomic
def move_in_keys(*, move_in: MoveIn, signer_name: str, signed_on_paper: bool, actor, signature: str = "",
                 now: datetime | None = None) -> MoveIn:
    """Step 4: the keys received at the takeover are returned against signature (K-07, by the custodian)."""
    from keys.services import key_deposit_return_to_resident  # noqa: PLC0415

    now = now or timezone.now()
    mi = _step(move_in, actor, Step.KEYS)
    deposit = key_in_custody(mi.unit)
    _need(deposit is not None, _("No key of this unit is in the cabinet: receive the developer's keys into custody "
                                 "first (takeover)."), "no_key")
    key_deposit_return_to_resident(deposit=deposit, signer_name=signer_name, signed_on_paper=signed_on_paper,
                                   signature=signature, actor=actor, now=now)
    mi.key_deposit, mi.keys_at = deposit, now
    return _advance(mi, actor, ["key_deposit", "keys_at"], now, note=signer_name.strip())


@transaction.atomic
def move_in_inspect(*, move_in: MoveIn, results: dict[int, dict], actor, due_at: datetime | None = None,
                    reinspect_on: date | None = None, now: datetime | None = None) -> MoveIn:
    """Step 5: the joint inspection with the owner against the unit list (as H-01); failures are defects."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.INSPECTION)
    inspection_record(site=mi.site, scope=Scope.UNIT, results=results, actor=actor, move_in=mi, unit=mi.unit,
                      due_at=due_at, reinspect_on=reinspect_on, now=now)
    mi.inspection_at = now
    return _advance(mi, actor, ["inspection_at"], now)


@transaction.atomic
def move_in_defects_report(*, move_in: MoveIn, actor, now: datetime | None = None) -> MoveIn:
    """Step 6 (T-16): each defect found becomes a warranty work order routed to the developer with the agreed
    deadline; if the desk may not route, the order waits registered for the CS supervisor."""
    from tickets.models import Category, WorkOrder  # noqa: PLC0415
    from tickets.permissions import can_route_to_developer  # noqa: PLC0415
    from tickets.services import work_order_register, work_order_route_developer  # noqa: PLC0415

    now = now or timezone.now()
    mi = _step(move_in, actor, Step.DEFECTS)
    defects = list(Defect.objects.select_for_update().filter(move_in=mi, work_order__isnull=True))
    category = Category.objects.filter(code="repair").first()
    routed = 0
    for d in defects:
        _need(category is not None, _("The work-order category “repair” is missing."), "no_category")
        order = work_order_register(site=mi.site, category=category, unit=mi.unit, resident=mi.resident,
                                    content=f"{d.number} {d.location}: {d.description}", actor=actor, now=now,
                                    is_warranty=True, channel=WorkOrder.Channel.VISIT)
        if can_route_to_developer(actor, order):
            work_order_route_developer(order=order, actor=actor, due_at=d.due_at, note=d.number, now=now)
            routed += 1
        d.work_order = order
        d.save(update_fields=["work_order", "updated_at"])
    if len(defects) > routed:
        notification_queue(recipients=users_with_roles(site_id=mi.site_id, roles=[Role.CS_SUPERVISOR]),
                           title=_("Move-in defects of %(unit)s to route to the developer") % {"unit": mi.unit.code},
                           url=mi.get_absolute_url(), site_id=mi.site_id, subject=mi)
    mi.defects_at = now
    return _advance(mi, actor, ["defects_at"], now, data={"defects": len(defects), "routed": routed})


@transaction.atomic
def move_in_utilities(*, move_in: MoveIn, utilities: str, actor, now: datetime | None = None) -> MoveIn:
    """Step 7: water, power, gas (and phone, TV) opened or applied for; the unit is handed over."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.UTILITIES)
    _need(bool(utilities.strip()), _("Record which utilities were opened or applied for."), "utilities")
    mi.utilities, mi.utilities_at, mi.completed_at = utilities.strip()[:200], now, now
    return _advance(mi, actor, ["utilities", "utilities_at", "completed_at"], now, note=mi.utilities)


@transaction.atomic
def move_in_cancel(*, move_in: MoveIn, reason: str, actor, now: datetime | None = None) -> MoveIn:
    now = now or timezone.now()
    mi = _lock(MoveIn, move_in)
    _need(perm.can_move_in(actor, mi.site_id), _("Only the move-in desk of this site cancels a move-in."))
    _need(mi.step == Step.IDENTITY, _("Only a move-in with no step recorded can be cancelled."), "bad_state")
    _need(bool(reason.strip()), _("Give the reason for cancelling."), "reason")
    mi.step, mi.cancel_reason = Step.CANCELLED, reason.strip()[:200]
    mi.save(update_fields=["step", "cancel_reason", "updated_at"])
    HandoverEvent.log(mi, actor=actor, kind="cancelled", at=now, note=mi.cancel_reason)
    return mi
