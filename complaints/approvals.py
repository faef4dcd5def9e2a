"""SPEC C-10 + T-18: the monthly complaint analysis is approved by the site director in his own login (or
recorded as signed on paper with the scan), through the generic approval requests of `core.approvals`:
an inbox item for the director, a dashboard count and the `approval.complaint.analysis` clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from complaints import permissions as perm
from complaints.models import MonthlyAnalysis
from core.approvals import ApprovalKind, register
from core.deadlines import deadline_stop
from core.roles import Role

ANALYSIS = "complaint.analysis"


def _can_decide(user: Any, analysis: MonthlyAnalysis) -> bool:
    return perm.can_approve_analysis(user, analysis) and analysis.status == MonthlyAnalysis.Status.SUBMITTED


def _can_request(user: Any, analysis: MonthlyAnalysis) -> bool:
    return perm.can_write_analysis(user) and perm.site_visible(user, analysis.site_id)


def _decided(req: Any, approved: bool, now: datetime) -> None:
    """Apply the director's decision to the analysis (same transaction as the decision)."""
    row = MonthlyAnalysis.objects.select_for_update().get(pk=req.subject_id)
    row.status = MonthlyAnalysis.Status.APPROVED if approved else MonthlyAnalysis.Status.RETURNED
    row.decided_by, row.decided_at, row.decision_note = req.decided_by, req.decided_at or now, req.note[:300]
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    if approved:  # the month's clock (by the 5th) is met
        deadline_stop(subject=row, code="complaint.analysis", now=now)


register(ApprovalKind(ANALYSIS, _("Monthly complaint analysis"), Role.SITE_DIRECTOR,
                      clock="approval.complaint.analysis", can_decide=_can_decide, can_request=_can_request,
                      on_decided=_decided, self_approve=False))
