"""The steps of an emergency event (STYLE §3, issue 14.1): one declaration each — the `permissions`
predicate the service asks too (with the state the step needs), the form, the service call. Run by
core's generic view at `emergencies:step` (`/emergencies/<pk>/<key>/`); the page asks for `forms`."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Registry
from emergencies import forms as f
from emergencies import permissions as perm
from emergencies import selectors as sel
from emergencies import services as svc
from emergencies.models import EmergencyEvent


def _visible(request: Any, pk: int) -> EmergencyEvent:
    return get_object_or_404(sel.event_list_visible_to(request.user), pk=pk)


def _bad_request(request: Any) -> int:
    return 400


def _recording(u: Any, ev: EmergencyEvent) -> bool:
    """E-01: the timeline and the links are written while the event is being handled."""
    return ev.status == EmergencyEvent.Status.OPEN and perm.can_record(u, ev.site_id)


REGISTRY = Registry("emergencies", get_object=_visible, url_name="emergencies:step", error_status=_bad_request)
REGISTRY.add(Action(
    "timeline", _("Add to the timeline"), f.TimelineForm, _recording,
    form_kwargs=lambda ev, u: {"initial": {"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}},
    run=lambda ev, u, d: svc.emergency_timeline_add(event=ev, at=d["at"], text=d["text"], on_scene=d["on_scene"],
                                                    actor=u)))
REGISTRY.add(Action(
    "link", _("Link"), f.LinkForm, _recording, style="outline-primary",
    run=lambda ev, u, d: svc.emergency_link(event=ev, order_number=d["order_number"],
                                            complaint_number=d["complaint_number"], actor=u)))
REGISTRY.add(Action(
    "close", _("Close the emergency"), f.CloseForm, perm.can_close, transition="close", style="success",
    run=lambda ev, u, d: svc.emergency_close(event=ev, followup=d["followup"], actor=u)))
