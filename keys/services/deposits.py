"""The key cabinet and K-01 deposits: register, approve, store, cancel, return to the resident."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start
from core.errors import DomainError
from core.roles import Role
from core.service_kit import lock_row
from keys import permissions as perm
from keys.models import (
    KeyApproval,
    KeyCabinet,
    KeyDeposit,
    KeyEvent,
    KeySlot,
    SealRecord,
)
from keys.services._common import RECONCILE_CLOCK, _create_seal, _notify, _seal_number_free


# ---- cabinet
@transaction.atomic
def key_cabinet_create(*, site, name: str, slots: int, custodian=None, location: str = "",
                       now: datetime | None = None) -> KeyCabinet:
    now = now or timezone.now()
    if custodian is not None and custodian.site_id != site.pk:
        raise DomainError(_("The custodian must work at this site."), code="other_site")
    cabinet = KeyCabinet.objects.create(site=site, name=name, location=location, custodian=custodian)
    KeySlot.objects.bulk_create([KeySlot(site=site, cabinet=cabinet, number=n) for n in range(1, slots + 1)])
    deadline_start(subject=cabinet, code=RECONCILE_CLOCK, now=now, site_id=site.pk)  # SPEC K-02
    return cabinet


# ---- K-01 deposit
@transaction.atomic
def key_deposit_register(*, site, unit, reason: str, key_description: str, key_count: int = 1, actor: User,
                         resident=None, depositor_name: str = "", note: str = "",
                         now: datetime | None = None) -> KeyDeposit:
    now = now or timezone.now()
    perm.check_register(actor, site.pk)
    if unit.site_id != site.pk or (resident is not None and resident.unit_id != unit.pk):
        raise DomainError(_("The unit is not at this site."), code="other_site")
    if key_count < 1:
        raise DomainError(_("At least one key."), code="key_count")
    if resident is None and reason == KeyDeposit.Reason.RESIDENT_REQUEST:
        resident = unit.residents.filter(is_active=True).order_by("kind", "id").first()
    deposit = KeyDeposit.objects.create(
        site=site, unit=unit, resident=resident, reason=reason, key_description=key_description,
        key_count=key_count, depositor_name=depositor_name or (resident.name if resident else ""), note=note,
        registered_by=actor, registered_at=now)
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.REGISTERED, at=now,
                    data={"reason": reason, "keys": key_description, "count": key_count})
    _notify(site.pk, [Role.CENTER_HEAD, Role.SECURITY_SUPERVISOR], subject=deposit, exclude=actor.pk,
            title=_("Key deposit %(unit)s waits for your approval") % {"unit": unit.code})
    return deposit


@transaction.atomic
def key_deposit_approve(*, deposit: KeyDeposit, kind: str, actor: User, now: datetime | None = None) -> KeyDeposit:
    """SPEC K-01: property manager and security supervisor, two people, neither the registrar."""
    now = now or timezone.now()
    deposit = lock_row(deposit)
    perm.check_approve(actor, deposit=deposit, kind=kind)
    KeyApproval.objects.create(site_id=deposit.site_id, deposit=deposit, kind=kind, approver=actor, at=now)
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.APPROVED, at=now, note=str(KeyApproval.Kind(kind).label),
                    data={"approval": kind})
    if deposit.approvals.filter(use__isnull=True).count() == len(perm.DEPOSIT_KINDS):
        deposit.approve()
        deposit.save(update_fields=["status", "updated_at"])
    return deposit


@transaction.atomic
def key_deposit_store(*, deposit: KeyDeposit, slot: KeySlot, seal_number: str, actor: User, witness=None,
                      now: datetime | None = None) -> KeyDeposit:
    """SPEC K-01: sealed with a seal number and put in a free slot by the designated custodian."""
    now = now or timezone.now()
    deposit = lock_row(deposit)
    if slot.site_id != deposit.site_id:
        raise DomainError(_("This slot belongs to another site."), code="other_site")
    perm.check_custodian(actor, deposit=deposit, cabinet=slot.cabinet)
    if deposit.status != KeyDeposit.Status.APPROVED:
        raise DomainError(_("Only an approved deposit can be sealed and stored."), code="bad_state")
    slot = KeySlot.objects.select_for_update().get(pk=slot.pk)
    if KeyDeposit.objects.filter(slot=slot, status__in=KeyDeposit.IN_CUSTODY).exclude(pk=deposit.pk).exists():
        raise DomainError(_("Slot %(slot)s already holds a key.") % {"slot": slot}, code="slot_taken")
    seal_number = _seal_number_free(deposit.site_id, seal_number)
    if witness is not None and (witness.site_id != deposit.site_id or witness.pk == actor.staff.pk):
        raise DomainError(_("The witness must be another person of this site."), code="witness")
    _create_seal(site_id=deposit.site_id, seal_number=seal_number, deposit=deposit,
                 reason=SealRecord.Reason.INITIAL, sealed_at=now, sealed_by=actor.staff, sealed_with=witness,
                 actor=actor, now=now)  # SPEC T-18: the witness confirms in their own login
    deposit.store(slot=slot, seal_number=seal_number, at=now)
    try:
        with transaction.atomic():
            deposit.save(update_fields=["status", "slot", "seal_number", "stored_at", "updated_at"])
    except IntegrityError as err:  # the DB constraint: a slot holds one key
        raise DomainError(_("Slot %(slot)s already holds a key.") % {"slot": slot}, code="slot_taken") from err
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.STORED, at=now,
                    data={"slot": str(slot), "seal_number": seal_number,
                          "witness": witness.name if witness else ""})
    return deposit


@transaction.atomic
def key_deposit_cancel(*, deposit: KeyDeposit, reason: str, actor: User, now: datetime | None = None) -> KeyDeposit:
    now = now or timezone.now()
    deposit = lock_row(deposit)
    perm.check_register(actor, deposit.site_id)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason_required")
    if deposit.status not in (KeyDeposit.Status.REQUESTED, KeyDeposit.Status.APPROVED):
        raise DomainError(_("Only a deposit not yet stored can be cancelled."), code="bad_state")
    deposit.cancel(reason=reason.strip())
    deposit.save(update_fields=["status", "cancel_reason", "updated_at"])
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.CANCELLED, note=reason.strip(), at=now)
    return deposit


@transaction.atomic
def key_deposit_return_to_resident(*, deposit: KeyDeposit, signer_name: str, signed_on_paper: bool, actor: User,
                                   signature: str = "", now: datetime | None = None) -> KeyDeposit:
    """SPEC K-07: handed back against signature; the seal is opened, the slot freed."""
    now = now or timezone.now()
    deposit = lock_row(deposit)
    perm.check_custodian(actor, deposit=deposit)
    if deposit.status != KeyDeposit.Status.STORED:
        raise DomainError(_("Only a key in the cabinet can be returned to the resident."), code="bad_state")
    if not signer_name.strip():
        raise DomainError(_("Enter the name of the person who signs for the key."), code="signer_required")
    if signature and (not signature.startswith("data:image/png;base64,") or len(signature) > 400_000):
        raise DomainError(_("The drawn signature could not be read; draw it again or sign on paper."),
                          code="bad_signature")
    if not (signed_on_paper or signature):
        raise DomainError(_("The key is returned against signature: sign on paper or draw the signature."),
                          code="signature_required")
    SealRecord.objects.filter(deposit=deposit, broken_at__isnull=True).update(
        broken_at=now, broken_note=str(_("Returned to the resident")))
    deposit.return_to_resident(at=now, by=actor, signer_name=signer_name.strip(), signed_on_paper=signed_on_paper,
                               signature=signature)
    deposit.save(update_fields=["status", "returned_at", "returned_by", "signer_name", "signed_on_paper",
                                "signature", "updated_at"])
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.RETURNED, at=now, note=signer_name.strip(),
                    data={"signed_on_paper": signed_on_paper, "drawn_signature": bool(signature),
                          "slot": str(deposit.slot) if deposit.slot_id else ""})
    return deposit
