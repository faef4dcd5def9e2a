"""Demo distribution lists (SPEC C-10: executive office, general manager's office, developer's CS
department) and one stored monthly report per demo site; idempotent."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from estates.models import Site
from reports.models import DistributionList, MailingKind, MonthlyReport
from reports.services import default_report_month, monthly_report_generate

LISTS = [
    ("总经办", MailingKind.MONTHLY_REPORT, "zongjingban@example.com\ngm@example.com"),
    ("总经办", MailingKind.MONTHLY_COMPLAINTS, "zongjingban@example.com"),
    ("总经办 · 周报", MailingKind.WEEKLY_COMPLAINTS, "zongjingban@example.com"),
    ("开发商客服部", MailingKind.MONTHLY_COMPLAINTS, "kefu@developer.example.com"),
]


def seed(*, now: datetime | None = None, stdout=None) -> None:
    now = now or timezone.now()
    if DistributionList.objects.filter(name__in=[n for n, _k, _e in LISTS]).exists():
        if stdout:
            stdout.write("reports: demo distribution lists exist, skipped")
        return
    for name, kind, emails in LISTS:
        DistributionList.objects.create(name=name, kind=kind, emails=emails)

    month = default_report_month(now)
    for site in Site.objects.filter(code__in=["SSTY", "LYXQ"]):
        report, _created = MonthlyReport.objects.get_or_create(site=site, month=month)
        monthly_report_generate(report_id=report.pk, now=now)
    if stdout:
        stdout.write(f"reports: {len(LISTS)} distribution lists, monthly reports for {month:%Y-%m}")
