"""Dual control for keys (SPEC K-01, K-03, K-04, K-06; X-02).

Each rule is a `check_*` function that raises DomainError with a clear message; the `can_*`
predicates wrap them for templates. Services call the `check_*` functions again, so a hidden
button is never the only guard.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import Role, user_roles
from estates.selectors import site_ids_visible_to
from keys.models import KeyApproval, KeyCabinet, KeyDeposit, KeyIncident, KeyUse

# Who may sign which approval (SPEC §0 names; "property manager/head" = service-center head).
APPROVAL_ROLES: dict[str, tuple[str, ...]] = {
    KeyApproval.Kind.DEPOSIT_PROPERTY: (Role.CENTER_HEAD,),
    KeyApproval.Kind.DEPOSIT_SECURITY: (Role.SECURITY_SUPERVISOR,),
    KeyApproval.Kind.USE_PROPERTY: (Role.CENTER_HEAD,),
    KeyApproval.Kind.USE_SECURITY: (Role.SECURITY_SUPERVISOR,),
}
DEPOSIT_KINDS = (KeyApproval.Kind.DEPOSIT_PROPERTY, KeyApproval.Kind.DEPOSIT_SECURITY)
USE_KINDS = (KeyApproval.Kind.USE_PROPERTY, KeyApproval.Kind.USE_SECURITY)
# K-04: a property assistant and a security officer
PROPERTY_ASSISTANT_ROLES = (Role.ZONE_STAFF,)
SECURITY_OFFICER_ROLES = (Role.SECURITY_OFFICER, Role.SECURITY_SUPERVISOR)
KEY_CLERK_ROLES = (Role.FRONT_DESK, Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD,
                   Role.SECURITY_SUPERVISOR, Role.SECURITY_OFFICER, Role.SITE_DIRECTOR)
RECONCILE_ROLES = (Role.SECURITY_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR)


def _role_holds(user, roles) -> bool:
    """Roles only (a superuser is not every role at once: dual control needs real roles)."""

    return bool(user_roles(user) & {str(r) for r in roles})


def _staff_roles(staff, roles) -> bool:
    return staff is not None and staff.is_active and _role_holds(staff.user, roles)


def _same_site(user, site_id: int) -> None:
    if site_id not in site_ids_visible_to(user):
        raise DomainError(_("This key belongs to another site."), code="other_site")


def _works_at(user, site_id: int) -> bool:
    staff = getattr(user, "staff", None)
    return staff is not None and staff.site_id == site_id and staff.is_active


# ---- K-01 / K-03 approvals
def check_approve(user, *, deposit: KeyDeposit, kind: str, use: KeyUse | None = None) -> None:
    """Two different people, each in the right role, neither the registrar/requester (K-01, K-03)."""
    _same_site(user, deposit.site_id)
    if use is None:
        if kind not in DEPOSIT_KINDS:
            raise DomainError(_("Unknown approval."), code="bad_kind")
        if deposit.status != KeyDeposit.Status.REQUESTED:
            raise DomainError(_("This deposit is not waiting for approval."), code="bad_state")
        existing = list(deposit.approvals.filter(use__isnull=True))
        origin, origin_msg = deposit.registered_by_id, _("You registered this deposit; someone else must approve it.")
    else:
        if kind not in USE_KINDS:
            raise DomainError(_("Unknown approval."), code="bad_kind")
        if use.status != KeyUse.Status.REQUESTED:
            raise DomainError(_("This use is not waiting for approval."), code="bad_state")
        existing = list(use.approvals.all())
        origin, origin_msg = use.requester_id, _("You requested this use; someone else must approve it.")
    if not _role_holds(user, APPROVAL_ROLES[kind]):
        raise DomainError(_("Only the %(role)s may give this approval.")
                          % {"role": ", ".join(str(Role(r).label) for r in APPROVAL_ROLES[kind])},
                          code="wrong_role")
    if not _works_at(user, deposit.site_id):
        raise DomainError(_("Only staff of this site may approve."), code="other_site")
    if user.pk == origin:
        raise DomainError(origin_msg, code="own_request")
    if any(a.kind == kind for a in existing):
        raise DomainError(_("This approval has already been given."), code="already_approved")
    if any(a.approver_id == user.pk for a in existing):
        raise DomainError(_("You have already approved this; the second approval must come from a different person."),
                          code="same_person")


def can_approve(user, *, deposit: KeyDeposit, kind: str, use: KeyUse | None = None) -> bool:
    try:
        check_approve(user, deposit=deposit, kind=kind, use=use)
    except DomainError:
        return False
    return True


# ---- custodian (K-01, K-04, K-06)
def check_custodian(user, *, deposit: KeyDeposit, cabinet=None) -> None:
    _same_site(user, deposit.site_id)
    cabinet = cabinet or (deposit.slot.cabinet if deposit.slot_id else None)
    if cabinet is None or cabinet.custodian_id is None:
        raise DomainError(_("The cabinet has no designated custodian."), code="no_custodian")
    staff = getattr(user, "staff", None)
    if staff is None or staff.pk != cabinet.custodian_id:
        raise DomainError(_("Only the designated custodian (%(name)s) stores and hands out keys.")
                          % {"name": cabinet.custodian.name}, code="not_custodian")


def is_custodian(user, *, site_id: int) -> bool:

    staff = getattr(user, "staff", None)
    return staff is not None and KeyCabinet.objects.filter(site_id=site_id, custodian=staff).exists()


# ---- K-04 taking out: two people together
def check_take_out_people(*, deposit: KeyDeposit, property_staff, security_staff) -> None:
    if property_staff is None or security_staff is None:
        raise DomainError(_("A key is taken out by two people together: a property assistant and a security officer."),
                          code="two_people")
    if property_staff.pk == security_staff.pk:
        raise DomainError(_("One person cannot take a key out alone: the property assistant and the security "
                            "officer must be two different people."), code="same_person")
    for person in (property_staff, security_staff):
        if person.site_id != deposit.site_id or not person.is_active:
            raise DomainError(_("%(name)s does not work at this site.") % {"name": person.name}, code="other_site")
    if not _staff_roles(property_staff, PROPERTY_ASSISTANT_ROLES):
        raise DomainError(_("%(name)s is not a property assistant (zone staff).") % {"name": property_staff.name},
                          code="wrong_role")
    if not _staff_roles(security_staff, SECURITY_OFFICER_ROLES):
        raise DomainError(_("%(name)s is not a security officer.") % {"name": security_staff.name},
                          code="wrong_role")


# ---- K-06 joint resealing
def check_two_sealers(*, deposit: KeyDeposit, sealer, witness) -> None:
    if sealer is None or witness is None:
        raise DomainError(_("A key is resealed jointly by two people."), code="two_people")
    if sealer.pk == witness.pk:
        raise DomainError(_("Resealing needs two different people."), code="same_person")
    for person in (sealer, witness):
        if person.site_id != deposit.site_id or not person.is_active:
            raise DomainError(_("%(name)s does not work at this site.") % {"name": person.name}, code="other_site")


def can_register(user, site_id: int) -> bool:
    return _works_at(user, site_id) and _role_holds(user, KEY_CLERK_ROLES)


def check_register(user, site_id: int) -> None:
    if not can_register(user, site_id):
        raise DomainError(_("You may not register keys at this site."), code="not_allowed")


def check_request_use(user, deposit: KeyDeposit) -> None:
    _same_site(user, deposit.site_id)
    if not can_register(user, deposit.site_id):
        raise DomainError(_("You may not request key uses at this site."), code="not_allowed")
    if deposit.status not in (KeyDeposit.Status.STORED, KeyDeposit.Status.OUT):
        raise DomainError(_("Only a key in the cabinet can be requested for use."), code="bad_state")


def can_reconcile(user, site_id: int) -> bool:
    return _works_at(user, site_id) and _role_holds(user, RECONCILE_ROLES)


def check_close_incident(user, incident: KeyIncident) -> None:
    _same_site(user, incident.site_id)
    if not (_works_at(user, incident.site_id) and _role_holds(user, (Role.SITE_DIRECTOR,))):
        raise DomainError(_("Only the site director closes a key incident."), code="not_allowed")
    if incident.status != KeyIncident.Status.OPEN:
        raise DomainError(_("This incident is already closed."), code="bad_state")


def can_close_incident(user, incident: KeyIncident) -> bool:
    try:
        check_close_incident(user, incident)
    except DomainError:
        return False
    return True


# issue 14.1/14.2: the predicates the key pages, the generic action view and the services share
def can_record_at(user, site_id: int) -> bool:
    """Entry-record signatures and items moved: anyone who sees the site's keys."""
    return bool(user) and site_id in site_ids_visible_to(user)


def can_sign_entry(user, use: KeyUse) -> bool:
    """SPEC K-04 (issue 15.8): the property assistant and the security officer who took the key out sign the
    entry record, each in their own login, while it is out."""
    staff = getattr(user, "staff", None)
    return (use.status == KeyUse.Status.OUT and staff is not None and staff.is_active
            and staff.site_id == use.site_id and staff.pk in (use.property_staff_id, use.security_staff_id))
