"""The steps of a rectification and of a month's zone ranking (STYLE §3, issue 14.1): one declaration each —
the `permissions` predicate the service asks too (with the state the step needs), the form, the service call.
Run by core's generic view at the inspections app's own URL names; the pages ask for `forms`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from inspections import permissions, selectors, services
from inspections.forms import DoneForm, VerifyForm
from inspections.models import AssessmentMonth, Rectification


def _rectification(request: Any, pk: int) -> Rectification:
    return get_object_or_404(selectors.rectification_list_visible_to(request.user), pk=pk)


RECTIFICATION = Registry("inspections.rectification", get_object=_rectification)
RECTIFICATION.add(Action(
    "done", _("Report done"), DoneForm,
    lambda u, r: r.status == Rectification.Status.OPEN and permissions.can_report_done(u, r),
    run=lambda r, u, d: services.rectification_report_done(rect=r, actor=u, note=d["note"],
                                                           photos=d["photos"] or []),
    message=_("Reported done; someone else verifies it.")), url_name="inspections:rectification_done")
RECTIFICATION.add(Action(
    "verify", _("Record the verification"), VerifyForm,
    lambda u, r: r.status == Rectification.Status.DONE and permissions.can_verify(u, r),
    run=lambda r, u, d: services.rectification_verify(rect=r, actor=u, passed=d["passed"], note=d["note"]),
    message=_("Verification recorded.")), url_name="inspections:rectification_verify")


def _month(request: Any, pk: int) -> AssessmentMonth:
    month = get_object_or_404(selectors.month_list_visible_to(request.user), pk=pk)
    if not permissions.can_view_ranking(request.user, month.site_id):
        raise Http404
    return month


MONTH = Registry("inspections.month", get_object=_month)
MONTH.add(Action(
    "lock", _("Reviewed: lock the ranking"), ConfirmForm,
    lambda u, m: m.locked_at is None and permissions.can_lock_ranking(u, m.site_id), style="success",
    run=lambda m, u, d: services.ranking_lock(month=m, actor=u), message=_("Ranking locked.")),
    url_name="inspections:ranking_lock")
