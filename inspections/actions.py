"""The steps of a rectification, of a month's zone ranking (its lock, a zone's score, a zone's self-assessment)
and of a month's staff appraisal (its lock, one part's score) (STYLE §3, issue 14.1): one declaration each —
the `permissions` predicate the service asks too (with the state the step needs), the form, the service call.
Run by core's generic view at the inspections app's own URL names; the pages ask for `forms`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.actions import Action, ConfirmForm, Registry
from inspections import appraisal, permissions, selectors, services
from inspections.forms import AdjustForm, DoneForm, ScoreForm, SelfScoreForm, VerifyForm
from inspections.models import AppraisalPart, AssessmentMonth, Rectification, SelfAssessment, ZoneScore


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



def _page_again(request: Any) -> int:
    return 200  # the page again with the refusal said above it (as before issue 14.1)


def _ranking_url(row: Any) -> str:
    return reverse("inspections:ranking", args=[row.month_id])


def _of_visible_month(model: Any, month_path: str, *related: str) -> Any:
    def get(request: Any, pk: int) -> Any:
        months = selectors.month_list_visible_to(request.user)
        return get_object_or_404(model.objects.filter(**{f"{month_path}__in": months}).select_related(*related), pk=pk)
    return get


ZONE_SCORE = Registry("inspections.zone_score", get_object=_of_visible_month(ZoneScore, "month", "month"),
                      error_status=_page_again, page_url=_ranking_url)
ZONE_SCORE.add(Action(
    "adjust", _("Adjust"), AdjustForm,
    lambda u, s: s.month.locked_at is None and permissions.can_adjust_ranking(u, s.month.site_id),
    run=lambda s, u, d: services.ranking_adjust(score=s, actor=u, delta=d["delta"], reason=d["reason"]),
    message=_("Score adjusted.")), url_name="inspections:ranking_adjust")

SELF = Registry("inspections.self", get_object=_of_visible_month(SelfAssessment, "month", "month", "zone__manager"),
                error_status=_page_again, page_url=_ranking_url)
SELF.add(Action(
    "score", _("Score"), SelfScoreForm,
    lambda u, sa: sa.reviewed_at is None and permissions.can_score_self(u, sa),
    run=lambda sa, u, d: appraisal.self_assessment_score(sa=sa, actor=u, adjustment=d["adjustment"] or 0,
                                                         reason=d["reason"]),
    message=_("Self-assessment scored.")), url_name="inspections:self_score")
SELF.add(Action(
    "review", _("Reviewed"), ConfirmForm,
    lambda u, sa: (sa.reviewed_at is None and sa.scored_at is not None and sa.scored_by_id != u.pk
                   and permissions.can_adjust_ranking(u, sa.month.site_id)),
    run=lambda sa, u, d: appraisal.self_assessment_review(sa=sa, actor=u),
    message=_("Self-assessment reviewed.")), url_name="inspections:self_review")


def _appraisal_month(request: Any, pk: int) -> AssessmentMonth:
    return get_object_or_404(selectors.month_list_visible_to(request.user), pk=pk)


APPRAISAL = Registry("inspections.appraisal", get_object=_appraisal_month, error_status=_page_again,
                     page_url=lambda m: reverse("inspections:appraisal", args=[m.pk]))
APPRAISAL.add(Action(
    "lock", _("Reviewed: lock the month"), ConfirmForm,
    lambda u, m: m.appraisal_locked_at is None and permissions.can_lock_ranking(u, m.site_id), style="success",
    run=lambda m, u, d: appraisal.appraisal_lock(month=m, actor=u), message=_("Appraisal locked.")),
    url_name="inspections:appraisal_lock")

APPRAISAL_PART = Registry(
    "inspections.appraisal_part", error_status=_page_again,
    get_object=_of_visible_month(AppraisalPart, "appraisal__month", "appraisal__month", "appraisal__staff"),
    page_url=lambda p: reverse("inspections:appraisal", args=[p.appraisal.month_id]))
APPRAISAL_PART.add(Action(
    "score", _("Save"), ScoreForm,
    lambda u, p: p.appraisal.month.appraisal_locked_at is None and appraisal.can_score(u, p),
    run=lambda p, u, d: appraisal.appraisal_score(part=p, actor=u, score=d["score"]),
    message=_("Score recorded.")), url_name="inspections:appraisal_score")
