"""The steps of a work order (STYLE §3, issue 14.1): one declaration each — key, label, form, the FSM
transition it drives, the `permissions` predicate (which the service asks too), the service call."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from estates.models import Unit
from tickets import forms as f
from tickets import permissions as perm
from tickets import selectors
from tickets import services as svc
from tickets.models import WorkOrder

S = WorkOrder.Status


def _visible(request, pk: int) -> WorkOrder:
    return selectors.work_order_get(request.user, pk)


REGISTRY = Registry(
    "tickets", get_object=_visible, url_name="tickets:order_action", form_url_name="tickets:order_action_form",
    form_kwargs=lambda o, u: {"initial": {"version": o.version}},
    error_status=lambda request: 422 if request.htmx else 200)


def _order(o, u) -> dict:
    return {"order": o}


def _is_open(o: WorkOrder) -> bool:
    return o.status in WorkOrder.OPEN_STATES


def _complete_initial(o, u) -> dict:
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    arrived = timezone.localtime(o.arrived_at).strftime("%Y-%m-%dT%H:%M") if o.arrived_at else now
    return {"order": o, "initial": {"arrived_at": arrived, "finished_at": now}}


def _accept(o, u, d):
    """SPEC T-08: an incomplete receipt is refused with its reasons (kept), a complete one accepted."""
    problems = svc.receipt_problems(o)
    if problems and o.status == S.COMPLETED:
        svc.work_order_receipt_refuse(order=o, actor=u, reasons=problems)
    return svc.work_order_receipt_accept(order=o, actor=u, version=d.get("version"))


A = REGISTRY.add
# the steps of the order's main path are open forms (`inline`); the others load theirs when opened
A(Action("dispatch", _("Dispatch"), f.DispatchForm, perm.can_dispatch, transition="dispatch", inline=True,
         form_kwargs=_order,
         run=lambda o, u, d: svc.work_order_dispatch(
             order=o, actor=u, department=d["department"], assignee=d.get("assignee"), due_at=d.get("due_at"),
             contractor_name=d.get("contractor_name") or "", version=d.get("version"))))
A(Action("arrive", _("Arrived on site"), f.VersionOnlyForm, perm.can_work, transition="arrive", inline=True,
         run=lambda o, u, d: svc.work_order_arrive(order=o, actor=u, version=d.get("version"))))
A(Action("complete", _("Enter completion"), f.CompleteForm, perm.can_work, transition="complete", inline=True,
         form_kwargs=_complete_initial,
         run=lambda o, u, d: svc.work_order_complete(
             order=o, actor=u, version=d.get("version"), arrived_at=d["arrived_at"], finished_at=d["finished_at"],
             cause=d["cause"], work_done=d["work_done"], labour_hours=d["labour_hours"], prep_hours=d["prep_hours"],
             materials=d["materials"], charges=d["charges"], price_told=d["price_told"])))
A(Action("charges_check", _("Check charges"), f.VersionOnlyForm, inline=True,
         allowed=lambda u, o: o.status == S.COMPLETED and o.charges.exists() and not o.charges_checked_by_id
         and perm.can_check_charges(u, o),
         run=lambda o, u, d: svc.work_order_charges_check(order=o, actor=u, version=d.get("version"))))
A(Action("charges_approve", _("Approve charges"), f.VersionOnlyForm, inline=True,
         allowed=lambda u, o: o.status == S.COMPLETED and bool(o.charges_checked_by_id)
         and not o.charges_approved_by_id and perm.can_approve_charges(u, o),
         run=lambda o, u, d: svc.work_order_charges_approve(order=o, actor=u, version=d.get("version"))))
A(Action("evaluate", _("Save evaluation and signature"), f.EvaluateForm, inline=True,
         allowed=lambda u, o: o.status == S.COMPLETED and perm.can_evaluate(u, o),
         # the form shows what was saved, the paper-signature box included (issue 20.9)
         form_kwargs=lambda o, u: {"initial": {"evaluation": o.evaluation, "signer_name": o.signer_name,
                                               "comment": o.evaluation_comment,
                                               "signed_on_paper": o.signed_on_paper}},
         include="tickets/partials/_signature_pad.html",
         run=lambda o, u, d: svc.work_order_evaluate(
             order=o, actor=u, evaluation=d["evaluation"], comment=d.get("comment") or "",
             signer_name=d.get("signer_name") or "", signed_on_paper=d.get("signed_on_paper", False),
             signature_png=d.get("signature_png") or "", version=d.get("version"))))
A(Action("accept", _("Accept returned receipt"), f.VersionOnlyForm, inline=True,
         allowed=lambda u, o: o.status == S.COMPLETED and perm.can_front_desk(u, o), run=_accept))
A(Action("rework", _("Send back for rework"), f.ReasonForm, perm.can_front_desk, transition="send_rework",
         run=lambda o, u, d: svc.work_order_rework(order=o, actor=u, reason=d["reason"], version=d.get("version"))))
A(Action("extend", _("Ask for an extension"), f.ExtendForm,  # SPEC T-05/T-18: decided in the approver's login
         allowed=lambda u, o: _is_open(o) and bool(o.due_at) and perm.can_request_extension(u, o),
         message=_("Extension requested: it applies once the service-center head (and, past the director's limit "
                   "from acceptance, the site director) has approved it."),
         run=lambda o, u, d: svc.work_order_extend(
             order=o, actor=u, new_due_at=d["new_due_at"], reason=d["reason"],
             resident_consent=d.get("resident_consent", False),
             consent_note=d.get("consent_note") or "", resident_caused=d.get("resident_caused", False),
             version=d.get("version"))))
A(Action("followup", _("Record progress"), f.NoteForm,
         allowed=lambda u, o: _is_open(o) and perm.can_front_desk(u, o),
         run=lambda o, u, d: svc.work_order_followup(order=o, actor=u, note=d["note"])))
A(Action("status_report", _("Report status"), f.NoteForm,
         allowed=lambda u, o: _is_open(o) and o.category.status_report_required and perm.can_report_status(u, o),
         run=lambda o, u, d: svc.work_order_status_report(order=o, actor=u, note=d["note"])))
A(Action("unresolvable", _("Return as unresolvable"), f.UnresolvableForm, perm.can_sign_unresolvable,
         transition="return_unresolvable", style="outline-danger",
         run=lambda o, u, d: svc.work_order_return_unresolvable(
             order=o, actor=u, reason=d["reason"], explanation=d["explanation"], version=d.get("version"))))
A(Action("agreement", _("Record agreement"), f.AgreementForm,
         allowed=lambda u, o: o.category.needs_agreement and _is_open(o) and perm.can_record_agreement(u, o),
         run=lambda o, u, d: svc.work_order_agreement_record(
             order=o, actor=u, agreement_no=d["agreement_no"], due_at=d["due_at"], file=d.get("file"),
             version=d.get("version"))))
A(Action("agreement_return", _("Return agreement"), f.WithinAgreementForm,
         allowed=lambda u, o: o.category.needs_agreement and _is_open(o) and bool(o.agreement_no)
         and perm.can_record_agreement(u, o),
         message=_("Returned: the service-center head is asked to sign “within agreement”."),
         run=lambda o, u, d: svc.work_order_agreement_return(order=o, actor=u, version=d.get("version"))))
A(Action("developer", _("Route to the developer"), f.DeveloperForm, perm.can_route_to_developer,
         transition="route_to_developer",
         run=lambda o, u, d: svc.work_order_route_developer(
             order=o, actor=u, due_at=d["due_at"], note=d.get("note") or "", version=d.get("version"))))
A(Action("developer_done", _("Developer repaired"), f.StepNoteForm,
         allowed=lambda u, o: o.status == S.DEVELOPER and perm.can_record_agreement(u, o),
         run=lambda o, u, d: svc.work_order_developer_repaired(
             order=o, actor=u, note=d["note"], version=d.get("version"))))
A(Action("reinspect", _("Record re-inspection"), f.ReinspectForm,
         allowed=lambda u, o: o.status == S.REINSPECTION and perm.can_reinspect(u, o),
         run=lambda o, u, d: svc.work_order_reinspect(
             order=o, actor=u, passed=d.get("passed", False), note=d["note"], new_due_at=d.get("new_due_at"),
             version=d.get("version"))))
A(Action("joint_inspection", _("Record joint inspection"), f.JointInspectionForm, form_kwargs=_order,
         allowed=lambda u, o: bool(o.unit_id) and o.unit.occupancy == Unit.Occupancy.NOT_MOVED_IN
         and not o.joint_inspection_at and perm.can_record_inspection(u, o),
         run=lambda o, u, d: svc.work_order_joint_inspection(
             order=o, actor=u, cs_staff=d["cs_staff"], engineer=d["engineer"], note=d["note"],
             version=d.get("version"))))
A(Action("contractor", _("Record contractor review"), f.ContractorForm,
         allowed=lambda u, o: o.category.is_contractor and o.status not in (S.CLOSED, S.CANCELLED)
         and perm.can_record_inspection(u, o),
         form_kwargs=lambda o, u: {"initial": {"contractor_name": o.contractor_name}},
         run=lambda o, u, d: svc.work_order_contractor_review(
             order=o, actor=u, contractor_name=d["contractor_name"], review=d["review"], version=d.get("version"))))
A(Action("cancel", _("Cancel order"), f.ReasonForm, perm.can_front_desk, transition="cancel", style="outline-danger",
         run=lambda o, u, d: svc.work_order_cancel(order=o, actor=u, reason=d["reason"], version=d.get("version"))))

# the front desk copies the paper form only when it comes back: for it these steps stay folded
FIELD_STEPS = {"arrive", "complete"}

from tickets.referral_actions import REFERRALS  # noqa: E402, F401  (registry("tickets.referral") imports this module)
