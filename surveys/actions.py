"""The steps of a survey campaign (STYLE §3, issue 14.1): one declaration each — the FSM transition it
drives, the `permissions` predicate the service asks too, the service call. Run by core's generic view at
the surveys app's own URL names; `open` answers with the printable forms, so its own view runs it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from surveys import permissions as perm
from surveys import selectors
from surveys import services as svc
from surveys.forms import ReasonForm
from surveys.models import Campaign


def _visible(request, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaign_list_visible_to(request.user), pk=pk)


def _organiser(u, c: Campaign) -> bool:
    return perm.can_organise(u, c.site_id)


REGISTRY = Registry("surveys", get_object=_visible)
REGISTRY.add(Action(
    "approve", _("Approve questionnaire and sampling plan"), ConfirmForm, perm.can_approve, transition="approve",
    style="success", run=lambda c, u, d: svc.campaign_approve(campaign=c, actor=u),
    message=_("Campaign approved.")), url_name="surveys:campaign_approve")
REGISTRY.add(Action(
    "open", _("Open: draw sample and print forms"), ConfirmForm, _organiser, transition="open",
    run=lambda c, u, d: svc.campaign_open(campaign=c, actor=u)), url_name="surveys:campaign_open")
REGISTRY.add(Action(
    "close", _("Close collection now"), ConfirmForm, _organiser, transition="close", style="outline-warning",
    run=lambda c, u, d: svc.campaign_close(campaign=c, actor=u),
    message=_("Collection closed.")), url_name="surveys:campaign_close")
REGISTRY.add(Action(
    "cancel", _("Cancel campaign"), ReasonForm, _organiser, transition="cancel", style="danger",
    run=lambda c, u, d: svc.campaign_cancel(campaign=c, actor=u, reason=d["reason"]),
    message=_("Campaign cancelled.")), url_name="surveys:campaign_cancel")
