"""The steps of a suggestion (STYLE §3, issue 14.1, SPEC C-15): one declaration each — the `permissions`
predicate the service asks too (with the state the step needs), the form, the service call. Run by
core's generic view at `suggestions:step` (`/suggestions/<pk>/<key>/`); the page asks for `forms`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from suggestions import forms as f
from suggestions import permissions as perm
from suggestions import selectors as sel
from suggestions import services as svc
from suggestions.models import Suggestion

S = Suggestion.Status


def _visible(request: Any, pk: int) -> Suggestion:
    return get_object_or_404(sel.suggestion_list_visible_to(request.user), pk=pk)


def _bad_request(request: Any) -> int:
    return 400


REGISTRY = Registry("suggestions", get_object=_visible, url_name="suggestions:step", error_status=_bad_request)
REGISTRY.add(Action(  # adopt or not: both leave "pending"
    "decide", _("Record the decision"), f.DecideForm,
    lambda u, s: s.status == S.PENDING and perm.can_decide(u, s.site_id),
    form_kwargs=lambda s, u: {"site": s.site},
    run=lambda s, u, d: svc.suggestion_decide(suggestion=s, adopt=d["adopt"], reason=d["reason"], action=d["action"],
                                              owner=d["owner"], due_date=d["due_date"], actor=u)))
REGISTRY.add(Action(
    "done", _("Rectification done"), f.DoneForm, perm.can_complete, transition="complete",
    run=lambda s, u, d: svc.suggestion_complete(suggestion=s, note=d["note"], actor=u)))
REGISTRY.add(Action(
    "tell", _("Resident told"), f.TellForm, style="outline-primary",
    allowed=lambda u, s: s.status != S.PENDING and not s.told_at and perm.can_tell(u, s.site_id),
    run=lambda s, u, d: svc.suggestion_tell_resident(suggestion=s, how=d["how"], actor=u)))
