"""The steps on a deposited key and on a key use (STYLE §3, issue 14.1): one declaration each, run by
core's generic view at the keys app's own URL names. The services re-check the same rules
(keys/permissions.py `check_*`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from keys import forms as f
from keys import permissions as perm
from keys import selectors as sel
from keys import services as svc
from keys.models import KeyApproval, KeyDeposit, KeyUse

D, U = KeyDeposit.Status, KeyUse.Status


def _deposit(request, pk: int) -> KeyDeposit:
    return get_object_or_404(sel.deposit_list_visible_to(request.user), pk=pk)


def _use(request, pk: int) -> KeyUse:
    return get_object_or_404(sel.use_list_visible_to(request.user), pk=pk)


def _custodian(u, obj) -> bool:
    return perm.is_custodian(u, site_id=obj.site_id)


DEPOSIT = Registry("keys.deposit", get_object=_deposit)
DEPOSIT.add(Action(
    "store", _("Seal and store"), f.StoreForm,
    allowed=lambda u, d: d.status == D.APPROVED and _custodian(u, d),
    form_kwargs=lambda d, u: {"site_id": d.site_id, "free_slots": sel.free_slots(d.site_id)},
    run=lambda d, u, c: svc.key_deposit_store(deposit=d, slot=c["slot"], seal_number=c["seal_number"],
                                              witness=c["witness"], actor=u),
    message=_("Sealed and stored.")), url_name="keys:deposit_store")
DEPOSIT.add(Action(
    "use", _("Request a use"), f.UseRequestForm,
    allowed=lambda u, d: d.status == D.STORED and perm.can_register(u, d.site_id),
    run=lambda d, u, c: svc.key_use_request(deposit=d, purpose=c["purpose"], work_order_number=c["work_order_number"],
                                            planned_out=c["planned_out"], planned_return=c["planned_return"],
                                            actor=u),
    message=_("Use requested; it waits for two approvals."), next=lambda request, d, use: use),
    url_name="keys:use_create")
DEPOSIT.add(Action(
    "return", _("Return to the resident"), f.ReturnToResidentForm, style="warning",
    allowed=lambda u, d: d.status == D.STORED and _custodian(u, d),
    run=lambda d, u, c: svc.key_deposit_return_to_resident(deposit=d, signer_name=c["signer_name"],
                                                           signed_on_paper=c["signed_on_paper"],
                                                           signature=c["signature"], actor=u),
    message=_("Key returned to the resident.")), url_name="keys:deposit_return")
DEPOSIT.add(Action(
    "cancel", _("Cancel deposit"), f.CancelForm, style="outline-danger",
    allowed=lambda u, d: d.status in (D.REQUESTED, D.APPROVED) and perm.can_register(u, d.site_id),
    run=lambda d, u, c: svc.key_deposit_cancel(deposit=d, reason=c["reason"], actor=u),
    message=_("Deposit cancelled.")), url_name="keys:deposit_cancel")

USE = Registry("keys.use", get_object=_use)
USE.add(Action(
    "take_out", _("Hand out the key"), f.TakeOutForm,
    allowed=lambda u, x: x.status == U.APPROVED and _custodian(u, x),
    form_kwargs=lambda x, u: {"site_id": x.site_id},
    run=lambda x, u, c: svc.key_use_take_out(use=x, property_staff=c["property_staff"],
                                             security_staff=c["security_staff"],
                                             contractor_lead=c["contractor_lead"], actor=u),
    message=_("Key taken out. Print the entry record and have it signed.")), url_name="keys:use_take_out")
USE.add(Action(
    "sign", _("Enter the signed paper entry record"), f.EntrySignaturesForm, style="outline-primary",
    allowed=lambda u, x: x.status == U.OUT and perm.can_record_at(u, x.site_id),
    form_kwargs=lambda x, u: {"initial": {
        "security_signer": x.entry_security_signer or (x.security_staff.name if x.security_staff else ""),
        "property_signer": x.entry_property_signer or (x.property_staff.name if x.property_staff else ""),
        "contractor_signer": x.entry_contractor_signer or x.contractor_lead}},
    run=lambda x, u, c: svc.key_use_record_entry_signatures(use=x, actor=u, signed_on_paper=True, **c),
    message=_("Signatures recorded.")), url_name="keys:use_sign")
USE.add(Action(
    "sign_own", _("Sign the entry record"), f.SignEntryForm, style="outline-primary",
    allowed=perm.can_sign_entry,
    form_kwargs=lambda x, u: {"initial": {"contractor_signer": x.entry_contractor_signer or x.contractor_lead}},
    run=lambda x, u, c: svc.key_use_sign_entry(use=x, actor=u, **c),
    message=_("Your signature is on the entry record.")), url_name="keys:use_sign_own")
USE.add(Action(
    "item", _("Add item"), f.ItemForm, style="outline-primary",
    allowed=lambda u, x: x.status == U.OUT and perm.can_record_at(u, x.site_id),
    run=lambda x, u, c: svc.key_use_item_add(use=x, description=c["description"], photo=c["photo"], actor=u),
    message=_("Item listed.")), url_name="keys:use_item_add")
USE.add(Action(
    "return", _("Reseal and put back"), f.ReturnForm,
    allowed=lambda u, x: x.status == U.OUT and _custodian(u, x),
    form_kwargs=lambda x, u: {"site_id": x.site_id,
                              "initial": {"sealer": x.property_staff_id, "witness": x.security_staff_id}},
    run=lambda x, u, c: svc.key_use_return(use=x, seal_number=c["seal_number"], sealer=c["sealer"],
                                           witness=c["witness"], actor=u),
    message=_("Key resealed and back in its slot.")), url_name="keys:use_return")
USE.add(Action(
    "cancel", _("Cancel use"), f.CancelForm, style="outline-danger",
    allowed=lambda u, x: x.status in (U.REQUESTED, U.APPROVED) and perm.can_register(u, x.site_id),
    run=lambda x, u, c: svc.key_use_cancel(use=x, reason=c["reason"], actor=u),
    message=_("Use cancelled.")), url_name="keys:use_cancel")

# K-01 / K-03: the two approvals of a deposit and of a use, one step per kind (each its own role, two different
# people, never the registrar or requester: keys/permissions.py check_approve, which the service asks again).
# Both kinds post to the record's approve URL naming the kind (keys:deposit_approve, keys:use_approve).
for _kind in perm.DEPOSIT_KINDS:
    DEPOSIT.add(Action(
        str(_kind), KeyApproval.Kind(_kind).label, ConfirmForm, style="success",
        allowed=lambda u, d, k=_kind: perm.can_approve(u, deposit=d, kind=k),
        explain=lambda u, d, k=_kind: perm.check_approve(u, deposit=d, kind=k),
        run=lambda d, u, c, k=_kind: svc.key_deposit_approve(deposit=d, kind=k, actor=u),
        message=_("Approval recorded.")))
for _kind in perm.USE_KINDS:
    USE.add(Action(
        str(_kind), KeyApproval.Kind(_kind).label, ConfirmForm, style="success",
        allowed=lambda u, x, k=_kind: perm.can_approve(u, deposit=x.deposit, kind=k, use=x),
        explain=lambda u, x, k=_kind: perm.check_approve(u, deposit=x.deposit, kind=k, use=x),
        run=lambda x, u, c, k=_kind: svc.key_use_approve(use=x, kind=k, actor=u),
        message=_("Approval recorded.")))
