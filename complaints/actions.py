"""The buttons a complaint page offers: label, form, who may use it when, and the one service it calls.
Predicates ask the model's FSM (`can_proceed`) and `permissions`; they never restate the rules."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from complaints import forms as f
from complaints import permissions as perm
from complaints import selectors as sel
from complaints import services as svc
from complaints.models import Complaint, Escalation, Level
from core.actions import Action, ConfirmForm, Registry
from core.redirects import safe_next

S = Complaint.Status
RECORDABLE = (S.DISPATCHED, S.FINISHED, S.HANDLED)  # C-13 records, before closing


def _visible(request, pk: int) -> Complaint:
    return get_object_or_404(sel.complaint_list_visible_to(request.user), pk=pk)


REGISTRY = Registry("complaints", get_object=_visible, url_name="complaints:complaint_action", layout="folded",
                    submit_testid="submit", prefix_forms=True, form_kwargs=lambda c, u: {"complaint": c},
                    saved_message=lambda a: gettext("Saved: %s") % a.label)


def _is_complaint(c: Complaint) -> bool:
    return c.kind == Complaint.Kind.COMPLAINT


def _deciding(c: Complaint) -> int | None:
    """C-05: the level whose decision the chain waits for (None without a running chain: no query)."""
    return svc.deciding_level(c) if svc.chain_active(c) else None


def _is_owner(user, c: Complaint) -> bool:
    staff = getattr(user, "staff", None) if getattr(user, "is_authenticated", False) else None
    return staff is not None and c.action_owner_id == staff.pk


ACTIONS: list[Action] = [  # (key, label, form, predicate, service call, style)
    Action("decide", _("Emergency decision"), f.ChainDecisionForm,
           lambda u, c: _deciding(c) is not None and perm.can_decide_chain(u, c, _deciding(c)),
           lambda c, u, d: svc.complaint_chain_decide(complaint=c, actor=u, now=None, **d), "danger"),
    Action("notify_dept", _("Notify the department (emergency)"), f.NotifyDeptForm,
           lambda u, c: c.in_chain and c.dept_notified_at is None and c.is_open
           and perm.can_notify_department(u, c),
           lambda c, u, d: svc.complaint_notify_department(complaint=c, actor=u.staff, now=None, **d),
           "danger"),
    Action("register", _("Take at the front desk"), f.EmptyForm,
           lambda u, c: c.status == S.RECEIVED and perm.can_register(u, c),
           lambda c, u, d: svc.complaint_register(complaint=c, actor=u.staff, now=None)),
    Action("contact", _("Record contact with the complainant"), f.ContactForm,
           lambda u, c: _is_complaint(c) and c.status != S.RECEIVED and c.first_reply_at is None and c.is_open
           and (perm.can_propose(u, c) or perm.can_work(u, c)),
           lambda c, u, d: svc.complaint_contact(complaint=c, actor=u.staff, now=None, **d), "secondary"),
    Action("propose", _("Propose classification"), f.ClassifyForm,
           lambda u, c: can_proceed(c.propose) and perm.can_propose(u, c),
           lambda c, u, d: svc.complaint_propose(complaint=c, actor=u.staff, now=None, **d)),
    Action("confirm", _("Confirm classification and dispatch"), f.ClassifyForm,
           lambda u, c: c.status in (S.PROPOSED, S.REGISTERED) and perm.can_confirm(u, c),
           lambda c, u, d: svc.complaint_confirm(complaint=c, actor=u.staff, now=None, **d)),
    Action("take_over", _("Resident not persuaded: take over"), f.TakeOverForm,
           lambda u, c: can_proceed(c.take_over) and perm.can_take_over(u, c),
           lambda c, u, d: svc.complaint_take_over(complaint=c, actor=u.staff, now=None, **d), "warning"),
    Action("accept", _("Department answer"), f.AcceptForm,
           lambda u, c: c.status == S.DISPATCHED and c.accepted_at is None and perm.can_work(u, c),
           lambda c, u, d: svc.complaint_accept(complaint=c, actor=u.staff, now=None, **d)),
    Action("work_order", _("Create a repair work order"), f.WorkOrderForm,
           lambda u, c: c.status == S.DISPATCHED and c.work_order_id is None and perm.can_work(u, c),
           lambda c, u, d: svc.complaint_work_order(complaint=c, actor=u.staff, now=None, **d), "secondary"),
    Action("finish", _("Work finished"), f.OptionalResultForm,
           lambda u, c: can_proceed(c.finish) and not c.is_emergency and perm.can_work(u, c),
           lambda c, u, d: svc.complaint_finish(complaint=c, actor=u.staff, now=None, **d)),
    Action("handled", _("Report handled to the front desk"), f.ResultForm,
           lambda u, c: can_proceed(c.report_handled) and perm.can_work(u, c),
           lambda c, u, d: svc.complaint_report_handled(complaint=c, actor=u.staff, now=None, **d),
           "success"),
    Action("set_deadline", _("Set a new handling deadline"), f.DeadlineForm,
           lambda u, c: c.status == S.DISPATCHED and (perm.can_confirm(u, c) or perm.can_take_over(u, c)),
           lambda c, u, d: svc.complaint_set_deadline(complaint=c, actor=u.staff, now=None, **d),
           "secondary"),
    Action("form_return", _("Written complaint form"), f.FormReturnForm,
           lambda u, c: _is_complaint(c) and c.confirmed_at is not None and not c.form_returned_at
           and not c.form_missing_reason and (perm.can_work(u, c) or perm.can_remind(u, c)),
           lambda c, u, d: svc.complaint_form_return(complaint=c, actor=u.staff, now=None, **d),
           "secondary"),
    Action("verify", _("Verify the resolution"), f.NoteForm,
           lambda u, c: c.resolved_at is not None and c.verified_at is None and perm.can_verify(u, c),
           lambda c, u, d: svc.complaint_verify(complaint=c, actor=u.staff, now=None, **d)),
    Action("fr_ack", _("First-responder: noted"), f.EmptyForm,
           lambda u, c: c.handled_at is not None and c.first_responder_told_at is None
           and perm.can_ack_first_responder(u, c),
           lambda c, u, d: svc.complaint_first_responder_ack(complaint=c, actor=u.staff, now=None),
           "secondary"),
    Action("callback", _("Record the callback"), f.CallbackForm,
           lambda u, c: c.status == S.HANDLED and c.callback_satisfied_at is None
           and perm.can_record_callback(u, c),
           lambda c, u, d: svc.complaint_callback_record(complaint=c, actor=u.staff, now=None, **d),
           "success"),
    Action("cause", _("Cause and corrective action"), f.CauseForm,
           lambda u, c: _is_complaint(c) and c.status in RECORDABLE and perm.can_record_cause(u, c),
           lambda c, u, d: svc.complaint_cause_record(complaint=c, actor=u, now=None, **d), "secondary"),
    Action("action_done", _("Corrective action done"), f.NoteForm,
           lambda u, c: c.cause_recorded and c.action_done_at is None
           and (perm.can_work(u, c) or _is_owner(u, c) and perm.can_see(u, c)),
           lambda c, u, d: svc.complaint_action_done(complaint=c, actor=u, now=None, **d), "secondary"),
    Action("action_verify", _("Verify the corrective action"), f.NoteForm,
           lambda u, c: c.action_done_at is not None and c.action_verified_at is None and not _is_owner(u, c)
           and perm.can_verify(u, c),
           lambda c, u, d: svc.complaint_action_verify(complaint=c, actor=u, now=None, **d), "secondary"),
    Action("reply", _("Written reply to the resident"), f.ReplyForm,
           lambda u, c: _is_complaint(c) and c.status in RECORDABLE and perm.can_remind(u, c),
           lambda c, u, d: svc.complaint_reply_record(complaint=c, actor=u, now=None, **d), "secondary"),
    Action("escalate", _("Escalate one level"), f.EscalateForm,
           lambda u, c: _is_complaint(c) and c.level < Level.EXECUTIVE and perm.can_escalate(u, c),
           lambda c, u, d: svc.complaint_escalate_by_hand(complaint=c, actor=u, now=None, **d), "outline-danger"),
    Action("reclassify", _("Change the severity"), f.ReclassifyForm,
           lambda u, c: _is_complaint(c) and c.is_open and c.status != S.RECEIVED and perm.can_confirm(u, c),
           lambda c, u, d: svc.complaint_reclassify(complaint=c, actor=u, now=None, **d), "secondary"),
    Action("report", _("Write a report"), f.ReportForm,
           lambda u, c: _is_complaint(c) and c.severity != "normal" and perm.can_write_report(u, c),
           lambda c, u, d: svc.complaint_report_file(complaint=c, actor=u.staff, now=None, **d),
           "secondary"),
    Action("remind", _("Issue a reminder (催办单)"), f.ReminderForm,
           lambda u, c: c.status in (S.DISPATCHED, S.FINISHED) and perm.can_remind(u, c),
           lambda c, u, d: svc.reminder_issue(complaint=c, actor=u.staff, now=None, **d), "secondary"),
    Action("inquiry", _("Record the inquiry (洽办单)"), f.InquiryForm,
           lambda u, c: c.status == S.CLOSED and c.was_late
           and (perm.can_remind(u, c) or perm.can_work(u, c)),
           lambda c, u, d: svc.inquiry_record(complaint=c, actor=u.staff, now=None, **d), "secondary"),
]
for _action in ACTIONS:
    REGISTRY.add(_action)
BY_KEY = REGISTRY.actions


def available(user, complaint: Complaint) -> list[Action]:
    return REGISTRY.available(user, complaint)


# C-06: an escalation is acknowledged by each level it reached, on the complaint's page or the escalation list
def _visible_escalation(request, pk: int) -> Escalation:
    return get_object_or_404(sel.escalation_list_visible_to(request.user), pk=pk)


ESCALATION = Registry("complaints.escalation", get_object=_visible_escalation,
                      page_url=lambda e: e.complaint.get_absolute_url())
ESCALATION.add(Action(
    "ack", _("Acknowledge"), ConfirmForm, style="outline-danger",
    allowed=lambda u, e: e.acknowledged_at is None and perm.can_acknowledge_escalation(u, e),
    run=lambda e, u, d: svc.escalation_acknowledge(escalation=e, actor=u),
    message=_("Escalation acknowledged."),
    next=lambda request, e, result: safe_next(request, e.complaint.get_absolute_url())),  # issue 13.6
    url_name="complaints:escalation_ack")


def escalation_rows(user, escalations, bound: tuple | None = None) -> list[tuple]:
    """(escalation, its acknowledge form or None) for a page; a refused post comes back at its row."""
    action = ESCALATION.get("ack")
    failed_pk, failed_form = bound or (None, None)
    return [(e, failed_form if e.pk == failed_pk else (
        ESCALATION.make_form(action, e, user) if action.available(user, e) else None)) for e in escalations]
