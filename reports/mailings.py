"""The contents of each scheduled mailing (SPEC D-03, C-10), as JSON-safe message dicts.

A message is `{"subject", "to", "text", "html", "attachments": [{"name", "file", "mimetype"}]}`;
`reports.services.mailing_run_execute` writes each as a `MailingMessage` outbox row, sent one by one with
retries on the notification backoff (docs/deadlines.md, delivery guarantee).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.roles import COMPANY_ROLES, SUPERVISOR_ROLES
from estates.models import Site
from estates.selectors import users_with_roles
from reports import registry
from reports.models import DigestPreference, DistributionList, MailingKind, MonthlyReport
from reports.selectors import (
    calendar_warnings,
    day_start,
    local,
    month_range,
    previous_month,
    yesterday_range,
)

SITE_SUPERVISOR_ROLES = sorted(r for r in SUPERVISOR_ROLES if r not in COMPANY_ROLES)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def opted_out_user_ids(kind: str) -> set[int]:
    return set(DigestPreference.objects.filter(kind=kind, enabled=False).values_list("user_id", flat=True))


def opted_out_emails(kind: str) -> set[str]:
    User = get_user_model()
    return {e.lower() for e in User.objects.filter(
        digest_preferences__kind=kind, digest_preferences__enabled=False).values_list("email", flat=True) if e}


def _message(*, subject: str, to: list[str], context: dict, attachments: list[dict] | None = None) -> dict:
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    return {"subject": subject, "to": to,
            "text": render_to_string("reports/email/mailing.txt", context),
            "html": render_to_string("reports/email/mailing.html", context),
            "attachments": attachments or []}


def daily_digest_messages(*, now: datetime) -> list[dict]:
    """08:00: to each supervisor of each site — overdue, due today, escalations, yesterday, warnings."""
    with translation.override(settings.LANGUAGE_CODE):
        out = []
        excluded = opted_out_user_ids(MailingKind.DAILY_DIGEST)
        warnings = calendar_warnings(now)
        y_start, _y_end = yesterday_range(now)
        for site in Site.objects.order_by("pk"):
            users = [u for u in users_with_roles(site_id=site.pk, roles=SITE_SUPERVISOR_ROLES).order_by("pk")
                     if u.email and u.pk not in excluded]
            if not users:
                continue
            blocks = registry.collect("digest", site_ids=[site.pk], now=now)
            subject = _("[%(site)s] Daily digest %(date)s") % {"site": site.name,
                                                               "date": f"{local(now):%Y-%m-%d}"}
            context = {"title": subject, "blocks": blocks, "warnings": warnings,
                       "intro": _("Figures of %(site)s at %(time)s; \"yesterday\" is %(day)s.") % {
                           "site": site.name, "time": f"{local(now):%Y-%m-%d %H:%M}",
                           "day": f"{local(y_start):%Y-%m-%d}"},
                       "link": reverse("reports:dashboard") + f"?site={site.pk}"}
            for user in users:
                out.append(_message(subject=subject, to=[user.email], context=context))
        return out


def _list_recipients(dist: DistributionList, kind: str) -> list[str]:
    excluded = opted_out_emails(kind)
    return [a for a in dist.addresses() if a.lower() not in excluded]


def _list_scope(dist: DistributionList) -> tuple[list[int], str]:
    if dist.site_id:
        return [dist.site_id], dist.site.name
    return list(Site.objects.values_list("pk", flat=True)), str(_("Company-wide"))


def complaint_statistics_messages(*, kind: str, start: datetime, end: datetime, period: str) -> list[dict]:
    """C-10: the complaint statistics for [start, end) to each active list of `kind`."""
    with translation.override(settings.LANGUAGE_CODE):
        out = []
        section = registry.get_section("complaints")
        for dist in DistributionList.objects.filter(kind=kind, is_active=True).select_related("site"):
            to = _list_recipients(dist, kind)
            if not to:
                continue
            site_ids, scope = _list_scope(dist)
            block = section.monthly(site_ids=site_ids, start=start, end=end) if section else None
            label = _("Weekly complaint statistics") if kind == MailingKind.WEEKLY_COMPLAINTS \
                else _("Monthly complaint statistics")
            subject = _("[%(scope)s] %(label)s %(period)s") % {"scope": scope, "label": label, "period": period}
            out.append(_message(subject=subject, to=to, context={
                "title": subject, "blocks": [block] if block else [],
                "intro": _("Complaints of %(scope)s, %(period)s.") % {"scope": scope, "period": period}}))
        return out


def weekly_complaint_messages(*, now: datetime) -> list[dict]:
    """The previous ISO week, Monday 00:00 to Monday 00:00 local time."""
    today = local(now).date()
    this_monday = today - timedelta(days=today.weekday())
    last_monday = this_monday - timedelta(days=7)
    period = f"{last_monday:%Y-%m-%d} ~ {this_monday - timedelta(days=1):%Y-%m-%d}"
    return complaint_statistics_messages(kind=MailingKind.WEEKLY_COMPLAINTS, start=day_start(last_monday),
                                         end=day_start(this_monday), period=period)


def monthly_complaint_messages(*, now: datetime) -> list[dict]:
    month = previous_month(local(now).date())
    start, end = month_range(month)
    return complaint_statistics_messages(kind=MailingKind.MONTHLY_COMPLAINTS, start=start, end=end,
                                         period=f"{month:%Y-%m}")


def monthly_report_messages(*, now: datetime) -> list[dict]:
    """On the 1st: generate every report of the previous month, then mail each list its PDF + XLSX."""
    from reports.services import monthly_reports_generate_all, report_blocks  # noqa: PLC0415 (cycle: reports.services imports this module)

    month = previous_month(local(now).date())
    with translation.override(settings.LANGUAGE_CODE):
        monthly_reports_generate_all(month=month, now=now)
        out = []
        kind = MailingKind.MONTHLY_REPORT
        for dist in DistributionList.objects.filter(kind=kind, is_active=True).select_related("site"):
            to = _list_recipients(dist, kind)
            report = MonthlyReport.objects.filter(site_id=dist.site_id, month=month,
                                                  status=MonthlyReport.Status.READY).first()
            if not to or report is None:
                continue
            subject = _("[%(scope)s] Monthly report %(month)s") % {"scope": report.scope_name,
                                                                   "month": f"{month:%Y-%m}"}
            stem = f"{report.site.code if report.site_id else 'company'}-{month:%Y-%m}"
            out.append(_message(subject=subject, to=to, context={
                "title": subject, "blocks": report_blocks(report),
                "intro": _("The monthly report is attached as PDF and spreadsheet."),
                "link": report.get_absolute_url()},
                attachments=[{"name": f"{stem}.pdf", "file": report.pdf.name, "mimetype": "application/pdf"},
                             {"name": f"{stem}.xlsx", "file": report.xlsx.name, "mimetype": XLSX_MIME}]))
        return out
