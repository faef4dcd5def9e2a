"""The steps of a survey campaign (STYLE §3, issue 14.1): one declaration each — the FSM transition it
drives, the `permissions` predicate the service asks too, the service call. Run by core's generic view at
the surveys app's own URL names; `open` answers with the printable forms, so its own view runs it."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from surveys import permissions as perm
from surveys import selectors
from surveys import services as svc
from surveys.forms import ActionDoneForm, ReasonForm
from surveys.models import Campaign, CorrectiveAction


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


# S-06: a corrective action of a closed campaign, marked done (with what was done) on the campaign's analysis
def _corrective(request, pk: int) -> CorrectiveAction:
    return get_object_or_404(selectors.action_list_visible_to(request.user), pk=pk)


CORRECTIVE = Registry("surveys.action", get_object=_corrective,
                      page_url=lambda a: reverse("surveys:campaign_analysis", args=[a.campaign_id]))
CORRECTIVE.add(Action(
    "done", _("Done"), ActionDoneForm, perm.can_finish_action, transition="finish", style="outline-success",
    run=lambda a, u, d: svc.corrective_action_finish(action=a, note=d["note"], actor=u),
    message=_("Corrective action done."), error_fields={"note": "note"}), url_name="surveys:action_done")
