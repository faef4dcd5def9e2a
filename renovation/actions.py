"""The steps of a renovation (STYLE §3, issue 14.1): one declaration each — the `permissions` predicate the
service asks too, with the states the step is taken in, the form, the service call. Run by core's generic
view at the renovation app's own URL names; the page asks for `forms.<key>` instead of comparing the
status and the role flags. Steps on a row of the renovation (a violation, a change, a gate entry) are declared
the same way in the row's own registry (`parent_pk`: their URL is `<pk>/…/<child>/…`, the renovation's page
shows them per row)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from fees import permissions as fees_perm
from renovation import forms as f
from renovation import permissions as perm
from renovation import selectors as sel
from renovation import services as svc
from renovation.models import Change, Document, GateEntry, Renovation, Violation

S = Renovation.Status
UNDER_WAY = (S.ACTIVE, S.RECTIFICATION)
WORKERS_ADDED = (S.DRAFT, S.CHANGES_REQUIRED, S.IN_REVIEW, S.REVIEWED, S.APPROVED, S.ACTIVE)


def _renovation(request: Any, pk: int) -> Renovation:
    """Another site's renovation is 404 (SPEC X-02)."""
    return get_object_or_404(sel.renovation_list_visible_to(request.user), pk=pk)


def _when(states: tuple[str, ...], check: Callable[[Any, int], bool]) -> Callable[[Any, Renovation], bool]:
    """The role predicate of the site, while the renovation is in one of `states`."""
    return lambda u, r: r.status in states and check(u, r.site_id)


def _take_payment(u: Any, site_id: int) -> bool:
    return fees_perm.can_take_payment(u, site_id)


def _finance(u: Any, site_id: int) -> bool:
    return fees_perm.can_finance(u, site_id)


def _add(key: str, label: Any, form: type, allowed: Callable, run: Callable, url: str, **kw: Any) -> None:
    REGISTRY.add(Action(key, label, form, allowed, run=run, message=_("Saved."), **kw), url_name=f"renovation:{url}")


def _page_again(request: Any) -> int:
    return 200  # a refused step shows the page again with the message next to the form (as before issue 14.1)


REGISTRY = Registry("renovation", get_object=_renovation, error_status=_page_again)
_add("documents", _("Attach a document"), f.DocumentForm,
     lambda u, r: r.status not in (S.CLOSED, S.REJECTED) and perm.can_register(u, r.site_id),
     lambda r, u, d: svc.document_attach(renovation=r, kind=d["kind"], file=d["file"], actor=u), "document_add")
_add("workers", _("Add a worker"), f.WorkerForm, _when(WORKERS_ADDED, perm.can_register),
     lambda r, u, d: svc.worker_add(renovation=r, name=d["name"], id_number=d["id_number"], photo=d["photo"],
                                    actor=u), "worker_add")
_add("submit", _("Submit for review"), f.StepForm, _when((S.DRAFT,), perm.can_register),
     lambda r, u, d: svc.renovation_submit(renovation=r, actor=u), "submit")
_add("review", _("Record the review"), f.ReviewForm, _when((S.IN_REVIEW,), perm.can_review),
     lambda r, u, d: svc.renovation_review(renovation=r, results=d["results"], actor=u), "review")
_add("plan", _("Send the changed plan to review"), f.PlanChangeForm, _when((S.CHANGES_REQUIRED,), perm.can_register),
     lambda r, u, d: svc.renovation_plan_change(renovation=r, scope=d["scope"], note=d["note"],
                                                drawings=d["drawings"], actor=u), "plan_change",
     form_kwargs=lambda r, u: {"initial": {"scope": r.scope}})
_add("approve", _("Approve"), f.ApproveForm, _when((S.REVIEWED,), perm.can_approve),
     lambda r, u, d: svc.renovation_approve(renovation=r, pledges={k: d[k] for k in Document.PLEDGES}, actor=u),
     "approve")
_add("reject", _("Reject"), f.ReasonForm, _when((S.REVIEWED,), perm.can_approve),
     lambda r, u, d: svc.renovation_reject(renovation=r, reason=d["reason"], actor=u), "reject")
_add("deposit", _("Take the deposit and issue the permit"), f.DepositForm, _when((S.APPROVED,), _take_payment),
     lambda r, u, d: svc.renovation_deposit_take(renovation=r, amount=d["amount"], method=d["method"], actor=u),
     "deposit", form_kwargs=lambda r, u: {"initial": {"amount": svc.setting_for(r.site).deposit_amount}})
_add("gate", _("Log entry"), f.GateForm, _when(UNDER_WAY, perm.can_gate),
     lambda r, u, d: svc.gate_enter(renovation=r, pass_number=d["pass_number"], tools=d["tools"], actor=u), "gate")
_add("patrol", _("Record the patrol"), f.PatrolForm, _when(UNDER_WAY, perm.can_patrol),
     lambda r, u, d: svc.patrol_record(renovation=r, checked=d["checked"], team=d["team"],
                                       all_in_order=d["all_in_order"], photos=d["photos"], actor=u), "patrol")
_add("violation", _("Record the violation"), f.ViolationForm, _when(UNDER_WAY, perm.can_patrol),
     lambda r, u, d: svc.violation_record(renovation=r, rule=d["rule"], description=d["description"],
                                          measure=d["measure"], deduction_amount=d["deduction_amount"],
                                          photos=d["photos"], actor=u,
                                          patrol=r.patrols.filter(day=timezone.localdate()).first()), "violation")
_add("change", _("Change or extension"), f.ChangeForm, _when(UNDER_WAY, perm.can_register),
     lambda r, u, d: svc.change_apply(renovation=r, kind=d["kind"], reason=d["reason"], new_scope=d["new_scope"],
                                      new_end_date=d["new_end_date"], actor=u), "change")
_add("complete", _("Owner declares the work complete"), f.StepForm, _when(UNDER_WAY, perm.can_register),
     lambda r, u, d: svc.completion_declare(renovation=r, actor=u), "complete")
_add("acceptance", _("Apply for acceptance"), f.StepForm, _when((S.COMPLETED,), perm.can_register),
     lambda r, u, d: svc.acceptance_apply(renovation=r, actor=u), "acceptance")
_add("inspect", _("Acceptance inspection"), f.ReviewForm, _when((S.ACCEPTANCE_APPLIED,), perm.can_inspect),
     lambda r, u, d: svc.inspection_record(renovation=r, results=d["results"], actor=u), "inspect")
_add("refund", _("Refund"), f.RefundForm, _when((S.ACCEPTED,), _finance),
     lambda r, u, d: svc.renovation_refund(renovation=r, amount=d["amount"], actor=u), "refund",
     form_kwargs=lambda r, u: {"initial": {"amount": svc.refund_due(r)}})


# ---- steps on a row of the renovation, shown on its page next to that row


def _rows_of(model: Any) -> Callable[[Any, int], Any]:
    """The row as this user may see it: a row of a renovation of another site is 404 (SPEC X-02)."""
    def get(request: Any, pk: int) -> Any:
        visible = model.objects.filter(renovation__in=sel.renovation_list_visible_to(request.user))
        return get_object_or_404(visible.select_related("renovation"), pk=pk)
    return get


def _child_registry(name: str, model: Any) -> Registry:
    return Registry(name, get_object=_rows_of(model), error_status=_page_again,
                    parent_pk=lambda row: row.renovation_id, page_url=lambda row: row.renovation.get_absolute_url())


VIOLATION = _child_registry("renovation.violation", Violation)
VIOLATION.add(Action(
    "follow_up", _("Follow up"), f.FollowUpForm,
    lambda u, v: v.status == Violation.Status.OPEN and perm.can_patrol(u, v.site_id),
    run=lambda v, u, d: svc.violation_follow_up(violation=v, note=d["note"], closes=d["closes"], actor=u),
    message=_("Saved.")), url_name="renovation:follow_up")
VIOLATION.add(Action(
    "deduct", _("Deduct from the deposit"), f.StepForm,
    lambda u, v: v.measure == Violation.Measure.DEDUCTION and not v.deducted_at and _finance(u, v.site_id),
    run=lambda v, u, d: svc.violation_deduct(violation=v, actor=u), style="outline-danger",
    message=_("Saved.")), url_name="renovation:deduct")

CHANGE = _child_registry("renovation.change", Change)
CHANGE.add(Action(
    "decide", _("Decide"), f.DecideForm,
    lambda u, c: c.status == Change.Status.APPLIED and perm.can_approve(u, c.site_id),
    run=lambda c, u, d: svc.change_decide(change=c, approve=d["decision"] == "approve", note=d["note"], actor=u),
    message=_("Saved.")), url_name="renovation:decide")

GATE = _child_registry("renovation.gate", GateEntry)
GATE.add(Action(
    "leave", _("Left with the tools"), f.StepForm,
    lambda u, e: e.left_at is None and perm.can_gate(u, e.site_id),
    run=lambda e, u, d: svc.gate_leave(entry=e, actor=u), message=_("Saved.")), url_name="renovation:gate_leave")
