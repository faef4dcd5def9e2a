"""The steps of a takeover, an inspection, a defect and a move-in (STYLE §3, issue 14.1): one declaration each — the
`permissions` predicate the service asks too (with the state the step needs), the form, the service call.
Run by core's generic view at the handover app's own URL names; the pages ask for `forms`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from handover import forms as f
from handover import permissions as perm
from handover import selectors as sel
from handover import services as svc
from handover.models import Defect, Inspection, MoveIn, Scope, Takeover


def _bad_request(request: Any) -> int:
    return 400


# ---- H-01 takeover
def _takeover(request: Any, pk: int) -> Takeover:
    return get_object_or_404(sel.takeover_list_visible_to(request.user), pk=pk)


def _team_while(status: str) -> Any:
    return lambda u, t: t.status == status and perm.can_takeover(u, t.site_id)


def default_reply(t: Takeover) -> str:
    documents = list(t.documents.select_related("item"))
    missing = [d for d in documents if not d.received]
    return gettext("Documents received: %(got)d of %(all)d. Still to be handed over: %(missing)s.") % {
        "got": len(documents) - len(missing), "all": len(documents),
        "missing": "、".join(d.item.text for d in missing) or gettext("none")}


def _inspect(scope: str, prefix: str) -> Action:
    def run(t: Takeover, u: Any, d: dict) -> Any:
        return svc.inspection_record(site=t.site, scope=scope, results=d["results"], actor=u, takeover=t,
                                     building=d.get("building"), unit=d.get("unit"), due_at=d["due_at"],
                                     reinspect_on=d["reinspect_on"], note=d["note"])

    label = _("Inspect a unit") if scope == Scope.UNIT else _("Inspect the public facilities")
    return Action(f"inspect_{scope}", label, f.InspectionForm, _team_while(Takeover.Status.INSPECTING), run=run,
                  form_kwargs=lambda t, u: {"site": t.site, "scope": scope, "prefix": prefix},
                  message=_("Inspection recorded."))


TAKEOVER = Registry("handover.takeover", get_object=_takeover, error_status=_bad_request)
TAKEOVER.add(Action(
    "documents", _("Save the checklist"), f.DocumentsForm, _team_while(Takeover.Status.DOCUMENTS),
    form_kwargs=lambda t, u: {"takeover": t},
    run=lambda t, u, d: svc.takeover_documents_record(takeover=t, lines=d["lines"], actor=u)),
    url_name="handover:takeover_documents")
TAKEOVER.add(Action(
    "reply", _("Issue the reply letter"), f.ReplyForm, lambda u, t: perm.can_takeover(u, t.site_id),
    transition="reply", form_kwargs=lambda t, u: {"initial": {"text": default_reply(t)}},
    run=lambda t, u, d: svc.takeover_reply(takeover=t, text=d["text"], actor=u),
    message=_("Reply letter issued.")), url_name="handover:takeover_reply")
TAKEOVER.add(_inspect(Scope.UNIT, "u"), url_name="handover:takeover_inspect")
TAKEOVER.add(_inspect(Scope.PUBLIC, "p"), url_name="handover:takeover_inspect")
TAKEOVER.add(Action(
    "accept", _("Sign the takeover as accepted"), f.ConfirmForm, lambda u, t: perm.can_accept(u, t.site_id),
    transition="accept", style="success", run=lambda t, u, d: svc.takeover_accept(takeover=t, actor=u),
    message=_("Takeover accepted.")), url_name="handover:takeover_accept")


# ---- H-01 / K-01: a unit that passed its takeover inspection has its keys received into custody
def _inspection(request: Any, pk: int) -> Inspection:
    return get_object_or_404(sel.inspection_list_visible_to(request.user), pk=pk)


INSPECTION = Registry("handover.inspection", get_object=_inspection, error_status=_bad_request)
INSPECTION.add(Action(
    "keys", _("Receive keys into custody"), f.KeysReceiveForm, style="outline-secondary",
    allowed=lambda u, i: (i.passed and i.unit_id is not None and i.takeover_id is not None
                          and perm.can_takeover(u, i.site_id)),
    run=lambda i, u, d: svc.takeover_keys_receive(inspection=i, key_description=d["key_description"],
                                                  key_count=d["key_count"], actor=u),
    message=_("Keys registered for custody; they wait for the two approvals.")), url_name="handover:keys_receive")


# ---- the defect list
def _defect(request: Any, pk: int) -> Defect:
    return get_object_or_404(sel.defect_list_visible_to(request.user), pk=pk)


DEFECT = Registry("handover.defect", get_object=_defect, error_status=_bad_request)
DEFECT.add(Action(
    "rectified", _("The developer reports it rectified"), f.NoteForm, perm.can_record_rectified,
    transition="rectified", run=lambda d, u, c: svc.defect_rectified(defect=d, note=c["note"], actor=u),
    message=_("Recorded: waiting for re-inspection.")), url_name="handover:defect_rectified")
DEFECT.add(Action(
    "reinspect", _("Record the re-inspection"), f.ReinspectForm,
    lambda u, d: d.status == Defect.Status.RECTIFIED and perm.can_reinspect(u, d),
    run=lambda d, u, c: svc.defect_reinspect(defect=d, passed=c["passed"], note=c["note"], actor=u,
                                             new_due_at=c["new_due_at"], new_reinspect_on=c["new_reinspect_on"]),
    message=_("Re-inspection recorded.")), url_name="handover:defect_reinspect")


# ---- H-02 move-in: the steps in order, each one the desk's while it is the current one
def _move_in(request: Any, pk: int) -> MoveIn:
    return get_object_or_404(sel.move_in_list_visible_to(request.user), pk=pk)


def _recorded(step: str) -> str:
    return gettext("“%(step)s” recorded.") % {"step": MoveIn.Step(step).label}


S = MoveIn.Step
MOVE_IN = Registry("handover.move_in", get_object=_move_in, url_name="handover:move_in_step",
                   error_status=_bad_request)
STEPS: list[tuple[str, type, Any, Any]] = [
    (S.IDENTITY, f.IdentityForm, lambda mi, u: {"move_in": mi},
     lambda mi, u, d: svc.move_in_identity(move_in=mi, resident=d["resident"], id_number=d["id_number"],
                                           identity_doc=d["identity_doc"], actor=u)),
    (S.FEES, f.FeesForm, None,
     lambda mi, u, d: svc.move_in_fees(move_in=mi, lines=d["lines"], method=d["method"], actor=u)),
    (S.DOCUMENTS, f.ScansForm, None, lambda mi, u, d: svc.move_in_documents(move_in=mi, scans=d["scans"], actor=u)),
    (S.KEYS, f.KeysHandForm, lambda mi, u: {"initial": {"signer_name": mi.resident.name if mi.resident else ""}},
     lambda mi, u, d: svc.move_in_keys(move_in=mi, signer_name=d["signer_name"],
                                       signed_on_paper=d["signed_on_paper"], actor=u)),
    (S.INSPECTION, f.UnitInspectForm, None,
     lambda mi, u, d: svc.move_in_inspect(move_in=mi, results=d["results"], due_at=d["due_at"],
                                          reinspect_on=d["reinspect_on"], actor=u)),
    (S.DEFECTS, f.ConfirmForm, None, lambda mi, u, d: svc.move_in_defects_report(move_in=mi, actor=u)),
    (S.UTILITIES, f.UtilitiesForm, None,
     lambda mi, u, d: svc.move_in_utilities(move_in=mi, utilities=d["utilities"], actor=u)),
]
for _step, _form, _kwargs, _run in STEPS:
    MOVE_IN.add(Action(
        str(_step), S(_step).label, _form, run=_run, form_kwargs=_kwargs, message=lazy(_recorded, str)(_step),
        allowed=lambda u, mi, step=_step: mi.step == step and perm.can_move_in(u, mi.site_id)))
