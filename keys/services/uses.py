"""K-03..K-06 a use of a deposited key: request, approve, take out, items, return."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.roles import Role
from core.service_kit import lock_row
from core.uploads import IMAGE, PDF, check_file, check_image
from keys import permissions as perm
from keys.models import (
    KeyApproval,
    KeyDeposit,
    KeyEvent,
    KeyUse,
    KeyUseItem,
    SealRecord,
)
from keys.services._common import ENDOFDAY_CLOCK, RETURN_CLOCK, _create_seal, _notify, _seal_number_free
from tickets.selectors import work_order_by_number


# ---- K-03 use request
def _work_order(site_id: int, number: str):
    """The repair order (报事单) the use serves, looked up by its number at this site."""
    number = (number or "").strip()
    if not number:
        return None

    order = work_order_by_number(site_id, number)
    if order is None:
        raise DomainError(_("No work order %(n)s at this site.") % {"n": number}, code="work_order")
    return order


@transaction.atomic
def key_use_request(*, deposit: KeyDeposit, purpose: str, planned_out: datetime, planned_return: datetime, actor: User,
                    work_order_number: str = "", now: datetime | None = None) -> KeyUse:
    now = now or timezone.now()
    deposit = lock_row(deposit)
    perm.check_request_use(actor, deposit)
    if planned_return <= planned_out:
        raise DomainError(_("The planned return must be after the planned time out."), code="bad_times")
    if not purpose.strip():
        raise DomainError(_("Give the purpose of the use."), code="purpose_required")
    work_order = _work_order(deposit.site_id, work_order_number)
    use = KeyUse.objects.create(site_id=deposit.site_id, deposit=deposit, purpose=purpose.strip(),
                                work_order_number=work_order_number.strip(), work_order=work_order,
                                requester=actor, requested_at=now,
                                planned_out=planned_out, planned_return=planned_return)
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.USE_REQUESTED, at=now, note=use.purpose,
                    data={"use": use.pk, "work_order": use.work_order_number,
                          "planned_out": f"{timezone.localtime(planned_out):%Y-%m-%d %H:%M}",
                          "planned_return": f"{timezone.localtime(planned_return):%Y-%m-%d %H:%M}"})
    _notify(deposit.site_id, [Role.CENTER_HEAD, Role.SECURITY_SUPERVISOR], subject=use, exclude=actor.pk,
            title=_("Key use %(unit)s waits for your approval") % {"unit": deposit.unit.code})
    return use


@transaction.atomic
def key_use_approve(*, use: KeyUse, kind: str, actor: User, now: datetime | None = None) -> KeyUse:
    """SPEC K-03: property head and security head, two people, neither the requester."""
    now = now or timezone.now()
    use = lock_row(use)
    perm.check_approve(actor, deposit=use.deposit, kind=kind, use=use)
    KeyApproval.objects.create(site_id=use.site_id, deposit=use.deposit, use=use, kind=kind, approver=actor, at=now)
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.USE_APPROVED, at=now,
                    note=str(KeyApproval.Kind(kind).label), data={"use": use.pk, "approval": kind})
    if use.approvals.count() == len(perm.USE_KINDS):
        use.approve()
        use.save(update_fields=["status", "updated_at"])
    return use


@transaction.atomic
def key_use_cancel(*, use: KeyUse, reason: str, actor: User, now: datetime | None = None) -> KeyUse:
    now = now or timezone.now()
    use = lock_row(use)
    perm.check_request_use(actor, use.deposit)
    if not reason.strip():
        raise DomainError(_("Give the reason for cancelling."), code="reason_required")
    if use.status not in (KeyUse.Status.REQUESTED, KeyUse.Status.APPROVED):
        raise DomainError(_("Only a use not yet started can be cancelled."), code="bad_state")
    use.cancel(reason=reason.strip())
    use.save(update_fields=["status", "cancel_reason", "updated_at"])
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.USE_CANCELLED, at=now, note=reason.strip(),
                    data={"use": use.pk})
    return use


# ---- K-04 taking out
@transaction.atomic
def key_use_take_out(*, use: KeyUse, property_staff, security_staff, actor: User, contractor_lead: str = "",
                     now: datetime | None = None) -> KeyUse:
    """SPEC K-04: the custodian hands the key to a property assistant and a security officer together.

    Opens the seal and starts both K-06 clocks (planned return, end of the working day).
    """
    now = now or timezone.now()
    use = lock_row(use)
    deposit = lock_row(use.deposit)
    perm.check_custodian(actor, deposit=deposit)
    if use.status != KeyUse.Status.APPROVED:
        raise DomainError(_("The use needs both approvals before the key is taken out."), code="not_approved")
    if deposit.status != KeyDeposit.Status.STORED:
        raise DomainError(_("The key is not in the cabinet."), code="bad_state")
    perm.check_take_out_people(deposit=deposit, property_staff=property_staff, security_staff=security_staff)
    use.take_out(at=now, by=actor, property_staff=property_staff, security_staff=security_staff,
                 contractor_lead=contractor_lead.strip())
    use.save(update_fields=["status", "taken_out_at", "handed_out_by", "property_staff", "security_staff",
                            "contractor_lead", "updated_at"])
    SealRecord.objects.filter(deposit=deposit, broken_at__isnull=True).update(
        broken_at=now, broken_note=str(_("Opened for use #%(n)s") % {"n": use.pk}))
    deposit.take_out()
    deposit.save(update_fields=["status", "updated_at"])
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.TAKEN_OUT, at=now,
                    data={"use": use.pk, "property": property_staff.name, "security": security_staff.name,
                          "contractor_lead": use.contractor_lead, "seal_opened": deposit.seal_number})
    deadline_start(subject=use, code=RETURN_CLOCK, now=now, site_id=use.site_id,
                   due_at=max(use.planned_return, now))  # SPEC K-06
    deadline_start(subject=use, code=ENDOFDAY_CLOCK, now=now, site_id=use.site_id)  # SPEC K-06
    return use


SIGNATURE_PREFIX = "data:image/png;base64,"


def _entry_open(use: KeyUse) -> None:
    if use.status != KeyUse.Status.OUT:
        raise DomainError(_("The entry record is signed while the key is out."), code="bad_state")


def _entry_event(use: KeyUse, *, actor: User, now: datetime, how: str) -> None:
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.ENTRY_SIGNED, at=now,
                    data={"use": use.pk, "how": how, "signed_on_paper": use.entry_signed_on_paper,
                          "security": use.entry_security_signer, "property": use.entry_property_signer,
                          "contractor_lead": use.entry_contractor_signer, "complete": use.entry_signed})


@transaction.atomic
def key_use_record_entry_signatures(*, use: KeyUse, signed_on_paper: bool, security_signer: str,
                                    property_signer: str, contractor_signer: str, actor: User, scan=None,
                                    now: datetime | None = None) -> KeyUse:
    """SPEC K-04 (issue 15.8): the paper entry record, signed by security, property and the contractor's
    lead, entered afterwards: the three names and the scan of the signed sheet; the recorder is named.

    Nobody signs for someone else here: a signature given in the system is `key_use_sign_entry`."""
    now = now or timezone.now()
    use = lock_row(use)
    perm._same_site(actor, use.site_id)
    _entry_open(use)
    if not signed_on_paper:
        raise DomainError(_("Without the paper record each person signs in the system in their own login."),
                          code="sign_in_own_login")
    names = [security_signer.strip(), property_signer.strip(), contractor_signer.strip()]
    if not all(names):
        raise DomainError(_("Enter the names of all three signers: security, property and the contractor's lead."),
                          code="signers_required")
    if not scan and not use.entry_scan:
        raise DomainError(_("Attach the scan of the signed entry record."), code="scan_required")
    if scan:
        use.entry_scan = check_file(scan, (PDF, IMAGE))  # issue 13: by content, generated name
    use.entry_signed_on_paper = True
    use.entry_recorded_by = actor
    use.entry_security_signer, use.entry_property_signer, use.entry_contractor_signer = names
    use.save(update_fields=["entry_signed_on_paper", "entry_security_signer", "entry_property_signer",
                            "entry_contractor_signer", "entry_scan", "entry_recorded_by", "updated_at"])
    _entry_event(use, actor=actor, now=now, how="paper")
    return use


@transaction.atomic
def key_use_sign_entry(*, use: KeyUse, actor: User, contractor_signer: str = "", contractor_signature: str = "",
                       now: datetime | None = None) -> KeyUse:
    """SPEC K-04 (issue 15.8): the property assistant or the security officer who took the key out signs the
    entry record in their own login; either of them may have the contractor's lead draw his signature."""
    now = now or timezone.now()
    use = lock_row(use)
    perm._same_site(actor, use.site_id)
    staff = getattr(actor, "staff", None)
    fields = ["updated_at"]
    if staff is None or not perm.can_sign_entry(actor, use):
        _entry_open(use)
        raise DomainError(_("Only the property assistant and the security officer who took the key out sign "
                            "the entry record, each in their own login."), code="not_allowed")
    if staff.pk == use.security_staff_id and use.entry_security_signed_at is None:
        use.entry_security_signed_at, use.entry_security_signer = now, staff.name
        fields += ["entry_security_signed_at", "entry_security_signer"]
    if staff.pk == use.property_staff_id and use.entry_property_signed_at is None:
        use.entry_property_signed_at, use.entry_property_signer = now, staff.name
        fields += ["entry_property_signed_at", "entry_property_signer"]
    if contractor_signature:
        if not contractor_signature.startswith(SIGNATURE_PREFIX) or len(contractor_signature) > 400_000:
            raise DomainError(_("The drawn signature could not be read; draw it again or sign on paper."),
                              code="bad_signature")
        name = contractor_signer.strip() or use.contractor_lead
        if not name:
            raise DomainError(_("Enter the name of the contractor's lead who signs."), code="signers_required")
        use.entry_contractor_signature, use.entry_contractor_signer = contractor_signature, name
        fields += ["entry_contractor_signature", "entry_contractor_signer"]
    if len(fields) == 1:
        raise DomainError(_("Your signature is already on the entry record."), code="already_signed")
    use.save(update_fields=fields)
    _entry_event(use, actor=actor, now=now, how="system")
    return use


# ---- K-05 during the work
@transaction.atomic
def key_use_item_add(*, use: KeyUse, description: str, actor: User, photo=None,
                     now: datetime | None = None) -> KeyUseItem:
    now = now or timezone.now()
    use = lock_row(use)
    perm._same_site(actor, use.site_id)
    if use.status != KeyUse.Status.OUT:
        raise DomainError(_("Items are listed while the key is out."), code="bad_state")
    if not description.strip():
        raise DomainError(_("Describe the item and where it was."), code="description_required")
    photo = check_image(photo) if photo else None  # issue 13: by content, re-encoded, generated name
    item = KeyUseItem.objects.create(site_id=use.site_id, use=use, description=description.strip(),
                                     photo=photo or "", recorded_by=actor)
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.ITEM_MOVED, at=now, note=item.description,
                    data={"use": use.pk, "item": item.pk, "photo": bool(photo)})
    return item


@transaction.atomic
def key_use_item_put_back(*, item: KeyUseItem, actor: User, now: datetime | None = None) -> KeyUseItem:
    now = now or timezone.now()
    item = lock_row(item)
    perm._same_site(actor, item.site_id)
    if item.put_back_at is not None:
        raise DomainError(_("This item is already marked put back."), code="bad_state")
    item.put_back_at, item.put_back_by = now, actor
    item.save(update_fields=["put_back_at", "put_back_by", "updated_at"])
    KeyEvent.record(item.use.deposit, actor=actor, kind=KeyEvent.Kind.ITEM_PUT_BACK, at=now, note=item.description,
                    data={"use": item.use_id, "item": item.pk})
    return item


# ---- K-06 return
@transaction.atomic
def key_use_return(*, use: KeyUse, seal_number: str, sealer, witness, actor: User,
                   now: datetime | None = None) -> KeyUse:
    """SPEC K-06: resealed jointly with a NEW seal number, back into its slot; both clocks stop."""
    now = now or timezone.now()
    use = lock_row(use)
    deposit = lock_row(use.deposit)
    perm.check_custodian(actor, deposit=deposit)
    if use.status != KeyUse.Status.OUT:
        raise DomainError(_("This key is not out."), code="bad_state")
    perm.check_two_sealers(deposit=deposit, sealer=sealer, witness=witness)
    if not use.entry_signed:  # SPEC K-04: the entry record first
        raise DomainError(_("The entry record needs the signatures of security, property and the contractor's "
                            "lead (or the scan of the signed paper) before the use is closed."),
                          code="entry_unsigned")
    if use.items.filter(put_back_at__isnull=True).exists():
        raise DomainError(_("Mark every moved item as put back before returning the key."), code="items_open")
    seal_number = _seal_number_free(deposit.site_id, seal_number)
    _create_seal(site_id=deposit.site_id, seal_number=seal_number, deposit=deposit, use=use,
                 reason=SealRecord.Reason.RESEAL, sealed_at=now, sealed_by=sealer, sealed_with=witness,
                 actor=actor, now=now)  # SPEC T-18: each sealer confirms in their own login
    old_seal = deposit.seal_number
    use.return_key(at=now)
    use.save(update_fields=["status", "returned_at", "updated_at"])
    deposit.put_back(seal_number=seal_number)
    deposit.save(update_fields=["status", "seal_number", "updated_at"])
    deadline_stop(subject=use, code=[RETURN_CLOCK, ENDOFDAY_CLOCK], now=now)
    minutes = int((now - use.taken_out_at).total_seconds() // 60) if use.taken_out_at else 0
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.RESEALED, at=now,
                    data={"use": use.pk, "changes": {"seal_number": [old_seal, seal_number]},
                          "slot": str(deposit.slot) if deposit.slot_id else "", "sealed_by": sealer.name,
                          "sealed_with": witness.name, "minutes_out": minutes,
                          "late": now > use.planned_return})
    return use
