"""SPEC T-18: the approvals of a work order, each given by the named role in their own login (or recorded
as signed on paper with the scan) through `core.approvals`. Imported by TicketsConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.approvals import ApprovalKind, register
from core.roles import Role
from tickets import permissions as perm
from tickets.models import WorkOrder
from tickets.services.agreement import WITHIN_AGREEMENT, within_agreement_decided
from tickets.services.completion import CHARGES_APPROVE, CHARGES_CHECK, charges_decided
from tickets.services.developer import JOINT_CS, JOINT_ENGINEER
from tickets.services.extension import EXTENSION, EXTENSION_DIRECTOR, extension_decided


def _inspector(field: str):
    """SPEC T-09/T-18: the named inspector of the joint inspection, in their own login."""
    def check(user, order) -> bool:
        staff = getattr(user, "staff", None)
        return staff is not None and staff.is_active and staff.pk == getattr(order, field)
    return check


def _inspector_user(field: str):
    def people(req):
        order = WorkOrder.objects.select_related(f"{field}__user").get(pk=req.subject_id)
        staff = getattr(order, field)
        return [staff.user] if staff is not None and staff.user_id else []
    return people


def _recorded(req, approved, now) -> None:
    """The confirmation is the request's own record (history, the order's approvals panel)."""


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
# SPEC T-09: the CS staff member and the engineer who inspected together each confirm it
register(ApprovalKind(JOINT_CS, _("Joint inspection (the CS inspector)"), "", clock="approval.ticket.joint",
                      can_decide=_inspector("joint_inspection_cs_id"), can_request=perm.can_record_inspection,
                      on_decided=_recorded, recipients=_inspector_user("joint_inspection_cs")))
register(ApprovalKind(JOINT_ENGINEER, _("Joint inspection (the engineer)"), "", clock="approval.ticket.joint",
                      can_decide=_inspector("joint_inspection_engineer_id"), can_request=perm.can_record_inspection,
                      on_decided=_recorded, recipients=_inspector_user("joint_inspection_engineer")))
