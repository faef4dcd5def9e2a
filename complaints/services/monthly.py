"""Monthly records with a clock: the written analysis (C-10, by the 5th, approved by the site director in
his own login) and the responsibility review of last month's closed complaints (C-16, by the 10th).

Both rows are opened at the start of the month for the month before (`complaints.tasks`), or when someone
first writes to them, with their clock starting at the month's end (policies `complaint.analysis`,
`complaint.responsibility`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.approvals import ANALYSIS
from complaints.models import Complaint, ComplaintEvent, MonthlyAnalysis, ResponsibilityFinding, ResponsibilityReview
from complaints.services._common import E, _staff
from core.approvals import approval_decide, approval_pending, approval_request, approvals_withdraw_for
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from estates.actors import Actor
from estates.selectors import users_with_roles

A = MonthlyAnalysis.Status
M = ResponsibilityFinding.Measure


def month_end(month: date) -> datetime:
    """The moment the month after `month` begins (local midnight): the monthly clocks start here."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return timezone.make_aware(datetime.combine(nxt, time.min))


def analysis_open(*, site: Any, month: date) -> MonthlyAnalysis:
    row, created = MonthlyAnalysis.objects.get_or_create(site=site, month=month.replace(day=1))
    if created:
        deadline_start(subject=row, code="complaint.analysis", now=month_end(month), site_id=site.pk)
    return row


def review_open(*, site: Any, month: date, now: datetime | None = None) -> ResponsibilityReview:
    now = now or timezone.now()
    row, created = ResponsibilityReview.objects.get_or_create(site=site, month=month.replace(day=1),
                                                              defaults={"opened_at": now})
    if created:
        deadline_start(subject=row, code="complaint.responsibility", now=month_end(month), site_id=site.pk)
    return row


def month_records_open(*, site: Any, month: date, now: datetime | None = None) -> tuple:
    """The analysis and the review of `month` at `site`, each with its clock (idempotent)."""
    return analysis_open(site=site, month=month), review_open(site=site, month=month, now=now)


# ---------------------------------------------------------------- C-10 monthly analysis
@transaction.atomic
def analysis_submit(*, site: Any, month: date, causes: str, proposals: str, actor: Actor | None,
                    now: datetime | None = None) -> MonthlyAnalysis:
    """The analysis is written (or rewritten after a return) and goes to the site director for approval."""
    now = now or timezone.now()
    user = as_user(actor)
    require(perm.can_write_analysis(user) and perm.site_visible(user, site.pk),
            _("You cannot write the monthly analysis."))
    if not (causes or "").strip() or not (proposals or "").strip():
        raise DomainError(_("Write both the causes and the improvement proposals."), code="text")
    row = MonthlyAnalysis.objects.select_for_update().get(pk=analysis_open(site=site, month=month).pk)
    require(row.status != A.APPROVED, _("The director has approved this analysis; it is final."), "state")
    row.causes, row.proposals = causes.strip(), proposals.strip()
    row.author, row.submitted_at, row.status = _staff(actor), now, A.SUBMITTED
    row.decided_by, row.decided_at, row.decision_note = None, None, ""
    row.save()
    # T-18: a request the director decides in his own login (inbox item, dashboard count, clock); a
    # rewrite while one is waiting withdraws it first
    approvals_withdraw_for(subject=row, reason=_("The analysis was rewritten."), now=now)
    approval_request(kind=ANALYSIS, subject=row, actor=user, now=now,
                     summary=_("Monthly complaint analysis %(month)s · %(site)s") % {
                         "month": f"{row.month:%Y-%m}", "site": site.name})
    return row


def row_url(row: Any) -> str:
    name = "complaints:analysis_detail" if isinstance(row, MonthlyAnalysis) else "complaints:review_detail"
    return reverse(name, args=[row.pk])


@transaction.atomic
def analysis_decide(*, analysis: MonthlyAnalysis, actor: Actor | None, approve: bool, note: str = "",
                    now: datetime | None = None) -> MonthlyAnalysis:
    """C-10: the site director approves (the month's clock stops) or returns it with a note — in his own
    login, through the analysis's approval request (`core.approvals`, which applies it back here)."""
    now = now or timezone.now()
    user = as_user(actor)
    row = MonthlyAnalysis.objects.select_for_update().get(pk=analysis.pk)
    require(perm.can_approve_analysis(user, row), _("Only the site director approves the monthly analysis."))
    req = approval_pending(row, ANALYSIS)
    require(row.status == A.SUBMITTED and req is not None, _("There is no submitted analysis to decide on."),
            "state")
    assert req is not None  # for the type checker: require() refused None
    if not approve and not (note or "").strip():
        raise DomainError(_("Say what must change."), code="note")
    approval_decide(request=req, actor=user, approve=approve, note=note or "", now=now)
    row.refresh_from_db()
    return row


# ---------------------------------------------------------------- C-16 responsibility review
def review_complaints(review: ResponsibilityReview):
    """The complaints the review covers: the site's complaints closed in the review's month."""
    start = timezone.make_aware(datetime.combine(review.month, time.min))
    return (Complaint.objects.filter(site_id=review.site_id, kind=Complaint.Kind.COMPLAINT,
                                     status=Complaint.Status.CLOSED, closed_at__gte=start,
                                     closed_at__lt=month_end(review.month))
            .select_related("department", "received_by").order_by("closed_at", "pk"))


@transaction.atomic
def review_finding_record(*, review: ResponsibilityReview, complaint: Complaint, actor: Actor | None, measure: str,
                          staff: Any = None, note: str = "", now: datetime | None = None) -> ResponsibilityFinding:
    """C-16: per closed complaint "no fault", or the staff member responsible and the measure."""
    now = now or timezone.now()
    user = as_user(actor)
    row = ResponsibilityReview.objects.select_for_update().get(pk=review.pk)
    require(user is not None and perm.can_review(user, row), _("Only the site director reviews responsibility."))
    assert user is not None  # for the type checker: require() refused None
    require(row.completed_at is None, _("This review is complete."), "state")
    require(review_complaints(row).filter(pk=complaint.pk).exists(),
            _("The complaint was not closed at this site in the review's month."), "complaint")
    if measure not in M.values:
        raise DomainError(_("Choose the finding."), code="measure")
    if measure == M.NO_FAULT:
        staff = None
    elif staff is None or staff.site_id != row.site_id:
        raise DomainError(_("Choose the staff member responsible."), code="staff")
    finding, _created = ResponsibilityFinding.objects.update_or_create(
        review=row, complaint=complaint, defaults={"measure": measure, "staff": staff, "note": (note or "").strip(),
                                                   "recorded_at": now, "recorded_by": user})
    label = str(M(measure).label) + (f" · {staff.name}" if staff else "")
    ComplaintEvent.record(complaint, actor=user, kind=E.NOTE, at=now,
                          note=_("Responsibility review: %s") % label + (f" · {note.strip()}" if note.strip() else ""),
                          data={"review": row.pk, "measure": measure, "staff": staff.pk if staff else None})
    return finding


@transaction.atomic
def review_complete(*, review: ResponsibilityReview, actor: Actor | None, summary: str, now: datetime | None = None
                    ) -> ResponsibilityReview:
    """C-16: every closed complaint has a finding; the summary goes to the company; the clock stops."""
    now = now or timezone.now()
    user = as_user(actor)
    row = ResponsibilityReview.objects.select_for_update().get(pk=review.pk)
    require(perm.can_review(user, row), _("Only the site director reviews responsibility."))
    require(row.completed_at is None, _("This review is complete."), "state")
    missing = review_complaints(row).exclude(responsibility_findings__review=row).count()
    if missing:
        raise DomainError(_("%(n)d closed complaints have no finding yet.") % {"n": missing}, code="missing")
    if not (summary or "").strip():
        raise DomainError(_("Write the summary for the company."), code="summary")
    row.summary, row.completed_at, row.completed_by = summary.strip(), now, user
    row.save(update_fields=["summary", "completed_at", "completed_by", "updated_at"])
    deadline_stop(subject=row, code="complaint.responsibility", now=now)
    notification_queue(recipients=users_with_roles(site_id=row.site_id, roles=[Role.COMPANY_LEADER]),
                       title=_("Responsibility review %(month)s of %(site)s") % {"month": f"{row.month:%Y-%m}",
                                                                               "site": row.site.name},
                       body=row.summary[:300], url=row_url(row), kind="info", site_id=row.site_id, subject=row,
                       dedupe_key=f"complaint-review:{row.pk}:done")
    return row
