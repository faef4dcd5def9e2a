"""SPEC T-18: the approvals of a work order, each given by the named role in their own login (or recorded
as signed on paper with the scan) through `core.approvals`. Imported by TicketsConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.approvals import ApprovalKind, register
from core.roles import Role
from tickets import permissions as perm
from tickets.services.agreement import WITHIN_AGREEMENT, within_agreement_decided
from tickets.services.completion import CHARGES_APPROVE, CHARGES_CHECK, charges_decided
from tickets.services.extension import EXTENSION, EXTENSION_DIRECTOR, extension_decided


def _charges_side(user, order) -> bool:
    return perm.can_work(user, order) or perm.can_front_desk(user, order) or perm.can_check_charges(user, order)


# SPEC T-05: the service-center head signs every extension …
register(ApprovalKind(EXTENSION, _("Deadline extension (service-center head)"), Role.CENTER_HEAD,
                      clock="approval.ticket.extension", can_decide=perm.is_center_head,
                      can_request=perm.can_request_extension, on_decided=extension_decided))
# … and beyond two weeks from acceptance the site director after him
register(ApprovalKind(EXTENSION_DIRECTOR, _("Deadline extension past the director's limit (site director)"),
                      Role.SITE_DIRECTOR, clock="approval.ticket.extension", can_decide=perm.is_site_director,
                      can_request=perm.can_request_extension, on_decided=extension_decided))
# SPEC T-15: an unfinished agreement order returned at month end is "within agreement"
register(ApprovalKind(WITHIN_AGREEMENT, _("“Within agreement” sign-off (service-center head)"), Role.CENTER_HEAD,
                      clock="approval.ticket.agreement", can_decide=perm.is_center_head,
                      can_request=lambda u, o: perm.can_record_agreement(u, o), on_decided=within_agreement_decided))
# SPEC T-07: an engineering supervisor checks the amount, then the CS supervisor approves it
register(ApprovalKind(CHARGES_CHECK, _("Charges check (engineering supervisor)"), Role.DEPT_SUPERVISOR,
                      clock="approval.ticket.charges", can_decide=perm.can_check_charges, can_request=_charges_side,
                      on_decided=charges_decided, self_approve=False))
register(ApprovalKind(CHARGES_APPROVE, _("Charges approval (CS supervisor)"), Role.CS_SUPERVISOR,
                      clock="approval.ticket.charges", can_decide=perm.can_approve_charges, can_request=_charges_side,
                      on_decided=charges_decided, self_approve=False))
