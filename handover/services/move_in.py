"""H-02 move-in: the steps in order, each recorded by the move-in desk of the site."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import lock_row, require_value
from core.validators import normalize_id_number
from estates.models import Resident, Unit, UnitDocument
from estates.selectors import users_with_roles
from estates.services import unit_document_add
from fees.services import one_off_bill_issue, payment_post
from handover import permissions as perm
from handover.models import (
    Defect,
    HandoverEvent,
    MoveIn,
    MoveInDocument,
    Scope,
)
from handover.services._common import Step, _need
from handover.services.takeover import inspection_record
from keys.selectors import unit_key_in_cabinet
from keys.services import key_deposit_return_to_resident
from tickets.permissions import can_route_to_developer
from tickets.selectors import category_by_code, work_order_channel
from tickets.services import work_order_register, work_order_route_developer

if TYPE_CHECKING:  # the type only: the deposit is read through the keys selector
    from keys.models import KeyDeposit


@transaction.atomic
def move_in_open(*, unit: Unit, actor: User, now: datetime | None = None) -> MoveIn:
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


def _step(move_in: MoveIn, actor: User, expected: str) -> MoveIn:
    """Lock, check the desk may act and that `expected` is the next step (H-02: no step skipped)."""
    mi = lock_row(move_in)
    _need(perm.can_move_in(actor, mi.site_id), _("Only the move-in desk of this site records move-in steps."))
    _need(mi.step not in (Step.DONE, Step.CANCELLED), _("This move-in is finished."), "bad_state")
    if mi.step != expected:
        here, want = MoveIn.ORDER.index(Step(mi.step)), MoveIn.ORDER.index(Step(expected))
        if want > here:
            raise DomainError(_("Steps go in order: first “%(step)s”.") % {"step": Step(mi.step).label},
                              code="out_of_order")
        raise DomainError(_("“%(step)s” is recorded already.") % {"step": Step(expected).label}, code="done")
    return mi


def _advance(mi: MoveIn, actor: User, fields: list[str], now: datetime, note: str = "",
             data: dict | None = None) -> MoveIn:
    done = mi.step
    mi.step = MoveIn.ORDER[MoveIn.ORDER.index(Step(mi.step)) + 1]
    mi.save(update_fields=["step", "updated_at", *fields])
    HandoverEvent.log(mi, actor=actor, kind=done, at=now, note=note, data=data)
    return mi


@transaction.atomic
def move_in_identity(*, move_in: MoveIn, resident: Resident, id_number: str, identity_doc: str, actor: User,
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
def move_in_fees(*, move_in: MoveIn, lines: list[tuple[str, Any]], method: str, actor: User,
                 now: datetime | None = None) -> MoveIn:
    """Step 2: the move-in fees billed and paid through `fees` (one bill, one payment with its receipt)."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.FEES)
    bill = one_off_bill_issue(unit=mi.unit, title=_("Move-in fees"), lines=lines, actor=actor, now=now)
    payment = payment_post(unit=mi.unit, amount=bill.total, method=method, actor=actor, now=now, bills=[bill],
                           payer=mi.resident.name if mi.resident else "", note=_("Move-in fees"))
    mi.payment, mi.fees_at = payment, now
    return _advance(mi, actor, ["payment", "fees_at"], now, data={"bill": bill.pk, "amount": str(bill.total)})


@transaction.atomic
def move_in_documents(*, move_in: MoveIn, scans: dict[str, Any], actor: User, now: datetime | None = None) -> MoveIn:
    """Step 3: the agreement, management rules and fire-safety pledge signed; scans go to the resident file."""
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


def key_in_custody(unit: Unit) -> KeyDeposit | None:
    return unit_key_in_cabinet(unit.pk)


@transaction.atomic
def move_in_keys(*, move_in: MoveIn, signer_name: str, signed_on_paper: bool, actor: User, signature: str = "",
                 now: datetime | None = None) -> MoveIn:
    """Step 4: the keys received at the takeover are returned against signature (K-07, by the custodian)."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.KEYS)
    deposit = require_value(key_in_custody(mi.unit), _("No key of this unit is in the cabinet: receive the "
                                                       "developer's keys into custody first (takeover)."), "no_key")
    key_deposit_return_to_resident(deposit=deposit, signer_name=signer_name, signed_on_paper=signed_on_paper,
                                   signature=signature, actor=actor, now=now)
    mi.key_deposit, mi.keys_at = deposit, now
    return _advance(mi, actor, ["key_deposit", "keys_at"], now, note=signer_name.strip())


@transaction.atomic
def move_in_inspect(*, move_in: MoveIn, results: dict[int, dict], actor: User, due_at: datetime | None = None,
                    reinspect_on: date | None = None, now: datetime | None = None) -> MoveIn:
    """Step 5: the joint inspection with the owner against the unit list (as H-01); failures are defects."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.INSPECTION)
    inspection_record(site=mi.site, scope=Scope.UNIT, results=results, actor=actor, move_in=mi, unit=mi.unit,
                      due_at=due_at, reinspect_on=reinspect_on, now=now)
    mi.inspection_at = now
    return _advance(mi, actor, ["inspection_at"], now)


@transaction.atomic
def move_in_defects_report(*, move_in: MoveIn, actor: User, now: datetime | None = None) -> MoveIn:
    """Step 6 (T-16): each defect found becomes a warranty work order routed to the developer with the agreed
    deadline; if the desk may not route, the order waits registered for the CS supervisor."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.DEFECTS)
    defects = list(Defect.objects.select_for_update().filter(move_in=mi, work_order__isnull=True))
    category = category_by_code("repair")
    routed = 0
    for d in defects:
        category = require_value(category, _("The work-order category “repair” is missing."), "no_category")
        order = work_order_register(site=mi.site, category=category, unit=mi.unit, resident=mi.resident,
                                    content=f"{d.number} {d.location}: {d.description}", actor=actor, now=now,
                                    is_warranty=True, channel=work_order_channel("visit"))
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
def move_in_utilities(*, move_in: MoveIn, utilities: str, actor: User, now: datetime | None = None) -> MoveIn:
    """Step 7: water, power, gas (and phone, TV) opened or applied for; the unit is handed over."""
    now = now or timezone.now()
    mi = _step(move_in, actor, Step.UTILITIES)
    _need(bool(utilities.strip()), _("Record which utilities were opened or applied for."), "utilities")
    mi.utilities, mi.utilities_at, mi.completed_at = utilities.strip()[:200], now, now
    return _advance(mi, actor, ["utilities", "utilities_at", "completed_at"], now, note=mi.utilities)


@transaction.atomic
def move_in_cancel(*, move_in: MoveIn, reason: str, actor: User, now: datetime | None = None) -> MoveIn:
    now = now or timezone.now()
    mi = lock_row(move_in)
    _need(perm.can_move_in(actor, mi.site_id), _("Only the move-in desk of this site cancels a move-in."))
    _need(mi.step == Step.IDENTITY, _("Only a move-in with no step recorded can be cancelled."), "bad_state")
    _need(bool(reason.strip()), _("Give the reason for cancelling."), "reason")
    mi.step, mi.cancel_reason = Step.CANCELLED, reason.strip()[:200]
    mi.save(update_fields=["step", "cancel_reason", "updated_at"])
    HandoverEvent.log(mi, actor=actor, kind="cancelled", at=now, note=mi.cancel_reason)
    return mi

