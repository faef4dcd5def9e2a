"""Key custody use cases (SPEC §6). Each one transaction; dual control re-checked here (X-02)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.uploads import check_image
from estates.selectors import users_with_roles
from keys import permissions as perm
from keys.models import (
    KeyApproval,
    KeyCabinet,
    KeyDeposit,
    KeyEvent,
    KeyIncident,
    KeyReconciliation,
    KeyReconciliationLine,
    KeySlot,
    KeyUse,
    KeyUseItem,
    SealRecord,
)
from tickets.models import WorkOrder

RETURN_CLOCK = "key.use.return"  # SPEC K-06: back by the planned time
ENDOFDAY_CLOCK = "key.use.endofday"  # SPEC K-06: back by the end of the working day
RECONCILE_CLOCK = "key.reconcile"  # SPEC K-02: weekly


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _notify(site_id: int, roles, *, title: str, subject, kind: str = "info", exclude=None) -> None:
    users = [u for u in users_with_roles(site_id=site_id, roles=roles) if exclude is None or u.pk != exclude]
    notification_queue(recipients=users, title=title, url=subject.get_absolute_url(), kind=kind,
                       site_id=site_id, subject=subject)


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


def _seal_number_free(site_id: int, seal_number: str) -> str:
    seal_number = (seal_number or "").strip()
    if not seal_number:
        raise DomainError(_("Enter the seal number."), code="seal_required")
    if SealRecord.objects.filter(site_id=site_id, seal_number__iexact=seal_number).exists():
        raise DomainError(_("Seal number %(n)s has been used before; use a new seal.") % {"n": seal_number},
                          code="seal_used")
    return seal_number


def _create_seal(**kwargs) -> SealRecord:
    try:
        with transaction.atomic():
            return SealRecord.objects.create(**kwargs)
    except IntegrityError as err:  # a concurrent request took the same number
        raise DomainError(_("Seal number %(n)s has been used before; use a new seal.")
                          % {"n": kwargs["seal_number"]}, code="seal_used") from err


# ---- K-01 deposit
@transaction.atomic
def key_deposit_register(*, site, unit, reason: str, key_description: str, key_count: int = 1, actor,
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
def key_deposit_approve(*, deposit: KeyDeposit, kind: str, actor, now: datetime | None = None) -> KeyDeposit:
    """SPEC K-01: property manager and security supervisor, two people, neither the registrar."""
    now = now or timezone.now()
    deposit = _lock(KeyDeposit, deposit)
    perm.check_approve(actor, deposit=deposit, kind=kind)
    KeyApproval.objects.create(site_id=deposit.site_id, deposit=deposit, kind=kind, approver=actor, at=now)
    KeyEvent.record(deposit, actor=actor, kind=KeyEvent.Kind.APPROVED, at=now, note=str(KeyApproval.Kind(kind).label),
                    data={"approval": kind})
    if deposit.approvals.filter(use__isnull=True).count() == len(perm.DEPOSIT_KINDS):
        deposit.approve()
        deposit.save(update_fields=["status", "updated_at"])
    return deposit


@transaction.atomic
def key_deposit_store(*, deposit: KeyDeposit, slot: KeySlot, seal_number: str, actor, witness=None,
                      now: datetime | None = None) -> KeyDeposit:
    """SPEC K-01: sealed with a seal number and put in a free slot by the designated custodian."""
    now = now or timezone.now()
    deposit = _lock(KeyDeposit, deposit)
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
                 reason=SealRecord.Reason.INITIAL, sealed_at=now, sealed_by=actor.staff, sealed_with=witness)
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
def key_deposit_cancel(*, deposit: KeyDeposit, reason: str, actor, now: datetime | None = None) -> KeyDeposit:
    now = now or timezone.now()
    deposit = _lock(KeyDeposit, deposit)
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
def key_deposit_return_to_resident(*, deposit: KeyDeposit, signer_name: str, signed_on_paper: bool, actor,
                                   signature: str = "", now: datetime | None = None) -> KeyDeposit:
    """SPEC K-07: handed back against signature; the seal is opened, the slot freed."""
    now = now or timezone.now()
    deposit = _lock(KeyDeposit, deposit)
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


# ---- K-03 use request
def _work_order(site_id: int, number: str):
    """The repair order (报事单) the use serves, looked up by its number at this site."""
    number = (number or "").strip()
    if not number:
        return None

    order = WorkOrder.objects.filter(site_id=site_id, number=number).first()
    if order is None:
        raise DomainError(_("No work order %(n)s at this site.") % {"n": number}, code="work_order")
    return order


@transaction.atomic
def key_use_request(*, deposit: KeyDeposit, purpose: str, planned_out: datetime, planned_return: datetime, actor,
                    work_order_number: str = "", now: datetime | None = None) -> KeyUse:
    now = now or timezone.now()
    deposit = _lock(KeyDeposit, deposit)
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
def key_use_approve(*, use: KeyUse, kind: str, actor, now: datetime | None = None) -> KeyUse:
    """SPEC K-03: property head and security head, two people, neither the requester."""
    now = now or timezone.now()
    use = _lock(KeyUse, use)
    perm.check_approve(actor, deposit=use.deposit, kind=kind, use=use)
    KeyApproval.objects.create(site_id=use.site_id, deposit=use.deposit, use=use, kind=kind, approver=actor, at=now)
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.USE_APPROVED, at=now,
                    note=str(KeyApproval.Kind(kind).label), data={"use": use.pk, "approval": kind})
    if use.approvals.count() == len(perm.USE_KINDS):
        use.approve()
        use.save(update_fields=["status", "updated_at"])
    return use


@transaction.atomic
def key_use_cancel(*, use: KeyUse, reason: str, actor, now: datetime | None = None) -> KeyUse:
    now = now or timezone.now()
    use = _lock(KeyUse, use)
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
def key_use_take_out(*, use: KeyUse, property_staff, security_staff, actor, contractor_lead: str = "",
                     now: datetime | None = None) -> KeyUse:
    """SPEC K-04: the custodian hands the key to a property assistant and a security officer together.

    Opens the seal and starts both K-06 clocks (planned return, end of the working day).
    """
    now = now or timezone.now()
    use = _lock(KeyUse, use)
    deposit = _lock(KeyDeposit, use.deposit)
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


@transaction.atomic
def key_use_record_entry_signatures(*, use: KeyUse, signed_on_paper: bool, security_signer: str,
                                    property_signer: str, contractor_signer: str, actor,
                                    now: datetime | None = None) -> KeyUse:
    """SPEC K-04: the paper entry record signed by security, property and the contractor's lead."""
    now = now or timezone.now()
    use = _lock(KeyUse, use)
    perm._same_site(actor, use.site_id)
    if use.status not in (KeyUse.Status.OUT, KeyUse.Status.RETURNED):
        raise DomainError(_("The entry record is signed when the key is taken out."), code="bad_state")
    names = [security_signer.strip(), property_signer.strip(), contractor_signer.strip()]
    if signed_on_paper and not all(names):
        raise DomainError(_("Enter the names of all three signers: security, property and the contractor's lead."),
                          code="signers_required")
    use.entry_signed_on_paper = signed_on_paper
    use.entry_security_signer, use.entry_property_signer, use.entry_contractor_signer = names
    use.save(update_fields=["entry_signed_on_paper", "entry_security_signer", "entry_property_signer",
                            "entry_contractor_signer", "updated_at"])
    KeyEvent.record(use.deposit, actor=actor, kind=KeyEvent.Kind.ENTRY_SIGNED, at=now,
                    data={"use": use.pk, "signed_on_paper": signed_on_paper, "security": names[0],
                          "property": names[1], "contractor_lead": names[2]})
    return use


# ---- K-05 during the work
@transaction.atomic
def key_use_item_add(*, use: KeyUse, description: str, actor, photo=None,
                     now: datetime | None = None) -> KeyUseItem:
    now = now or timezone.now()
    use = _lock(KeyUse, use)
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
def key_use_item_put_back(*, item: KeyUseItem, actor, now: datetime | None = None) -> KeyUseItem:
    now = now or timezone.now()
    item = _lock(KeyUseItem, item)
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
def key_use_return(*, use: KeyUse, seal_number: str, sealer, witness, actor,
                   now: datetime | None = None) -> KeyUse:
    """SPEC K-06: resealed jointly with a NEW seal number, back into its slot; both clocks stop."""
    now = now or timezone.now()
    use = _lock(KeyUse, use)
    deposit = _lock(KeyDeposit, use.deposit)
    perm.check_custodian(actor, deposit=deposit)
    if use.status != KeyUse.Status.OUT:
        raise DomainError(_("This key is not out."), code="bad_state")
    perm.check_two_sealers(deposit=deposit, sealer=sealer, witness=witness)
    if use.items.filter(put_back_at__isnull=True).exists():
        raise DomainError(_("Mark every moved item as put back before returning the key."), code="items_open")
    seal_number = _seal_number_free(deposit.site_id, seal_number)
    _create_seal(site_id=deposit.site_id, seal_number=seal_number, deposit=deposit, use=use,
                 reason=SealRecord.Reason.RESEAL, sealed_at=now, sealed_by=sealer, sealed_with=witness)
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


# ---- K-02 weekly reconciliation
def reconciliation_candidates(site_id: int):
    return (KeyDeposit.objects.filter(site_id=site_id, status__in=KeyDeposit.IN_CUSTODY)
            .select_related("unit", "slot__cabinet").order_by("slot__cabinet__name", "slot__number"))


@transaction.atomic
def key_reconciliation_record(*, site, lines: dict[int, dict], actor, note: str = "",
                              now: datetime | None = None) -> KeyReconciliation:
    """SPEC K-02: every key in custody is checked; missing/broken/mismatched seals open incidents.

    `lines` maps deposit id → {"present": bool, "seal_intact": bool, "seal_number_seen": str, "note": str}.
    """
    now = now or timezone.now()
    if not perm.can_reconcile(actor, site.pk):
        raise DomainError(_("Only the security supervisor, the center head or the site director reconcile keys."),
                          code="not_allowed")
    deposits = list(reconciliation_candidates(site.pk).select_for_update(of=("self",)))
    missing = [d for d in deposits if d.pk not in lines and d.status == KeyDeposit.Status.STORED]
    if missing:
        raise DomainError(_("Check every key: %(units)s not checked.")
                          % {"units": ", ".join(d.unit.code for d in missing)}, code="incomplete")
    rec = KeyReconciliation.objects.create(site=site, performed_at=now, performed_by=actor, note=note)
    for d in deposits:
        was_out = d.status == KeyDeposit.Status.OUT
        raw = lines.get(d.pk, {})
        line = KeyReconciliationLine.objects.create(
            reconciliation=rec, deposit=d, was_out=was_out, present=bool(raw.get("present", was_out)),
            seal_intact=bool(raw.get("seal_intact", was_out)),
            seal_number_seen=(raw.get("seal_number_seen") or "").strip(),
            seal_number_expected=d.seal_number, note=(raw.get("note") or "")[:200])
        KeyEvent.record(d, actor=actor, kind=KeyEvent.Kind.RECONCILED, at=now,
                        data={"reconciliation": rec.pk, "ok": line.ok, "was_out": was_out,
                              "seal_number_seen": line.seal_number_seen})
        if line.ok:
            continue
        if not line.present:
            kind = KeyIncident.Kind.MISSING
        elif not line.seal_intact:
            kind = KeyIncident.Kind.SEAL_BROKEN
        else:
            kind = KeyIncident.Kind.SEAL_MISMATCH
        incident = KeyIncident.objects.create(
            site=site, deposit=d, reconciliation=rec, kind=kind, opened_at=now,
            description=_("Ledger seal %(exp)s, seen %(seen)s. %(note)s")
            % {"exp": d.seal_number or "—", "seen": line.seal_number_seen or "—", "note": line.note})
        if kind == KeyIncident.Kind.SEAL_BROKEN:
            SealRecord.objects.filter(deposit=d, broken_at__isnull=True).update(
                broken_at=now, broken_note=str(_("Found broken in reconciliation")))
        KeyEvent.record(d, actor=actor, kind=KeyEvent.Kind.INCIDENT_OPENED, at=now,
                        note=str(incident.get_kind_display()), data={"incident": incident.pk})
        notification_queue(recipients=users_with_roles(site_id=site.pk, roles=[Role.SITE_DIRECTOR]),
                           title=_("Key incident %(unit)s: %(kind)s")
                           % {"unit": d.unit.code, "kind": incident.get_kind_display()},
                           url=incident.get_absolute_url(), kind="escalation", requires_ack=True,
                           site_id=site.pk, subject=incident, dedupe_key=f"key-incident:{incident.pk}")
    for cabinet in KeyCabinet.objects.filter(site=site):
        # SPEC K-02: done this week; the next check is due a week from now
        deadline_stop(subject=cabinet, code=RECONCILE_CLOCK, now=now)
        deadline_start(subject=cabinet, code=RECONCILE_CLOCK, now=now, site_id=site.pk)
    return rec


@transaction.atomic
def key_incident_close(*, incident: KeyIncident, finding: str, actor, now: datetime | None = None) -> KeyIncident:
    """SPEC K-02: only the site director closes an incident, with a finding."""
    now = now or timezone.now()
    incident = _lock(KeyIncident, incident)
    perm.check_close_incident(actor, incident)
    if not finding.strip():
        raise DomainError(_("Write the finding before closing the incident."), code="finding_required")
    incident.close(finding=finding.strip(), at=now, by=actor)
    incident.save(update_fields=["status", "finding", "closed_at", "closed_by", "updated_at"])
    KeyEvent.record(incident.deposit, actor=actor, kind=KeyEvent.Kind.INCIDENT_CLOSED, at=now,
                    note=incident.finding, data={"incident": incident.pk})
    return incident
