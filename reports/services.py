"""Writes: monthly reports (SPEC D-02) and scheduled mailings (SPEC D-03, C-10)."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.mail import is_connection_error, outbox_retry, outbox_send, sendable, single_line
from core.notifications import ENQUEUE_RETRY_POLICY
from estates.models import Site
from reports import mailings, registry
from reports.models import DigestPreference, DigestSchedule, MailingKind, MailingMessage, MailingRun, MonthlyReport
from reports.rendering import render_report_pdf, render_xlsx
from reports.selectors import local, month_range, month_start, previous_month
from reports.tasks import mailing_message_send_task, monthly_report_generate_task

log = logging.getLogger(__name__)

REPORT_CLOCK = "reports.monthly"  # SPEC §15 timer: the previous month's report ready by the 5th


# ---------------------------------------------------------------------------------------------
# Monthly report (SPEC D-02)


def report_scope_site_ids(site: Site | None) -> list[int]:
    if site is not None:
        return [site.pk]
    return list(Site.objects.values_list("pk", flat=True))


def report_title(site: Site | None, month: date) -> str:
    scope = site.name if site else _("Company-wide")
    return _("%(scope)s monthly report %(month)s") % {"scope": scope, "month": f"{month:%Y-%m}"}


def _report_row(*, site: Site | None, month: date, now: datetime, actor: User | None = None,
                start_clock: bool = False) -> tuple[MonthlyReport, bool]:
    """Lock or create the one row of (site, month) and mark it queued. Returns (report, queue_it)."""
    with transaction.atomic():
        qs = MonthlyReport.objects.select_for_update(of=("self",)).order_by()
        report = qs.filter(site=site, month=month).first()
        created = False
        if report is None:
            try:
                with transaction.atomic():
                    report = MonthlyReport.objects.create(site=site, month=month)
                    created = True
            except IntegrityError:  # created by a concurrent request
                report = qs.get(site=site, month=month)
        busy = report.status in (MonthlyReport.Status.PENDING, MonthlyReport.Status.RUNNING)
        if not created and busy and now - report.updated_at < timedelta(minutes=15):
            return report, False  # already queued or being generated
        report.status = MonthlyReport.Status.PENDING
        report.progress = 0
        report.error = ""
        report.requested_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save(update_fields=["status", "progress", "error", "requested_by", "updated_at"])
        if start_clock:

            deadline_start(subject=report, code=REPORT_CLOCK, now=now, site_id=report.site_id)
    return report, True


def monthly_report_request(*, site: Site | None, month: date, actor: User | None = None,
                           now: datetime | None = None) -> MonthlyReport:
    """On demand (SPEC D-02): queue the report for (site, month) on a worker; the page polls its progress.

    An existing report is regenerated in place, never duplicated."""
    now = now or timezone.now()
    month = month_start(month)
    if month > local(now).date():
        raise DomainError(_("A report cannot be made for a month that has not started."), code="future_month")
    report, queue = _report_row(site=site, month=month, now=now, actor=actor)
    if queue:

        transaction.on_commit(lambda: monthly_report_generate_task.delay(report.pk))
    return report


def monthly_reports_generate_all(*, month: date, now: datetime | None = None) -> list[MonthlyReport]:
    """Beat on the 1st (SPEC D-02, C-10): each site's report and the company-wide one, with the
    `reports.monthly` clock started (ready by the 5th) and stopped when the report is stored."""
    now = now or timezone.now()
    reports = []
    scopes: list[Site | None] = [*Site.objects.order_by("pk"), None]
    for site in scopes:
        report, _queue = _report_row(site=site, month=month, now=now, start_clock=True)
        reports.append(monthly_report_generate(report_id=report.pk, now=now))
    return reports


def _progress(report: MonthlyReport, value: int, status: str | None = None) -> None:
    fields = {"progress": value, "updated_at": timezone.now()}
    if status:
        fields["status"] = status
    MonthlyReport.objects.filter(pk=report.pk).update(**fields)


def monthly_report_generate(*, report_id: int, now: datetime | None = None) -> MonthlyReport:
    """Compute every section, store figures, PDF and XLSX in place (regenerating replaces the files)."""

    now = now or timezone.now()
    report = MonthlyReport.objects.select_related("site").get(pk=report_id)
    _progress(report, 5, MonthlyReport.Status.RUNNING)
    try:
        site_ids = report_scope_site_ids(report.site)
        start, end = month_range(report.month)
        blocks = []
        sections = registry.sections()
        for i, section in enumerate(sections, start=1):
            block = section.monthly(site_ids=site_ids, start=start, end=end)
            if block is not None:
                blocks.append(block)
            _progress(report, 5 + int(55 * i / max(len(sections), 1)))
        title = report_title(report.site, report.month)
        pdf = render_report_pdf(blocks, title=title, scope=report.scope_name, period=f"{report.month:%Y-%m}")
        _progress(report, 85)
        xlsx = render_xlsx(blocks, title=title, month=report.month)
        _progress(report, 95)
    except Exception as exc:
        log.exception("monthly report %s failed", report_id)
        MonthlyReport.objects.filter(pk=report.pk).update(status=MonthlyReport.Status.FAILED, error=str(exc)[:2000],
                                                           updated_at=timezone.now())
        raise
    stem = f"{report.site.code if report.site else 'company'}-{report.month:%Y-%m}"
    old_files = [f.name for f in (report.pdf, report.xlsx) if f]
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update(of=("self",)).order_by().get(pk=report.pk)
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.figures = [b.to_dict() for b in blocks]
        report.status = MonthlyReport.Status.READY
        report.progress = 100
        report.generated_at = now
        report.error = ""
        report.save()

        deadline_stop(subject=report, code=REPORT_CLOCK, now=now)
    for name in old_files:  # replaced, never kept twice
        if name and name not in (report.pdf.name, report.xlsx.name):
            report.pdf.storage.delete(name)
    return report


def report_blocks(report: MonthlyReport) -> list[registry.Block]:
    return [registry.Block.from_dict(d) for d in report.figures or []]


# ---------------------------------------------------------------------------------------------
# Schedules (SPEC D-03): which mailings are due now, claimed once per period


GRACE = timedelta(hours=6)  # a beat outage shorter than this still sends the day's mailing


def schedule_period(schedule: DigestSchedule, now: datetime) -> tuple[str, datetime] | None:
    """The period `now` falls in for this schedule and the local time it is due, or None (not its day)."""
    now = local(now)
    today = now.date()
    if schedule.kind == MailingKind.DAILY_DIGEST:
        period = today.isoformat()
    elif schedule.kind == MailingKind.WEEKLY_COMPLAINTS:
        if (schedule.weekday or 1) != today.isoweekday():
            return None
        year, week, _day = today.isocalendar()
        period = f"{year}-W{week:02d}"
    else:
        if (schedule.day_of_month or 1) != today.day:
            return None
        period = f"{today:%Y-%m}"
    due = timezone.make_aware(datetime.combine(today, time(schedule.hour, schedule.minute)))
    return period, due


def mailings_due(*, now: datetime | None = None) -> list[MailingRun]:
    """Claim every enabled schedule due now (unique (schedule, period): a doubled beat claims nothing)."""
    now = now or timezone.now()
    runs = []
    for schedule in DigestSchedule.objects.filter(enabled=True):
        found = schedule_period(schedule, now)
        if found is None:
            continue
        period, due = found
        if not (due <= now < due + GRACE):
            continue
        try:
            with transaction.atomic():
                run, created = MailingRun.objects.get_or_create(schedule=schedule, period=period,
                                                                defaults={"started_at": now})
        except IntegrityError:
            created = False
        if created:
            runs.append(run)
    return runs


def mailing_run_execute(*, run_id: int, now: datetime | None = None) -> int:
    """Build the mails of one claimed run and write them as outbox rows; returns how many.

    Issue 23.4: the run is "sending" until every message is sent (`mailing_message_send`), each
    message retried on the notification backoff through an SMTP outage and sent once when it is back.
    """

    now = now or timezone.now()
    run = MailingRun.objects.select_related("schedule").get(pk=run_id)
    if run.status != MailingRun.Status.STARTED:
        return 0  # already written (a redelivered task) or failed
    builders = {
        MailingKind.DAILY_DIGEST: mailings.daily_digest_messages,
        MailingKind.WEEKLY_COMPLAINTS: mailings.weekly_complaint_messages,
        MailingKind.MONTHLY_COMPLAINTS: mailings.monthly_complaint_messages,
        MailingKind.MONTHLY_REPORT: mailings.monthly_report_messages,
    }
    try:
        messages = builders[MailingKind(run.schedule.kind)](now=now)
    except Exception as exc:
        MailingRun.objects.filter(pk=run.pk).update(status=MailingRun.Status.FAILED, error=str(exc)[:2000],
                                                    finished_at=timezone.now())
        raise
    with transaction.atomic():
        run = MailingRun.objects.select_for_update().get(pk=run.pk)
        if run.status != MailingRun.Status.STARTED:
            return 0
        rows = MailingMessage.objects.bulk_create([
            MailingMessage(run=run, subject=single_line(m["subject"])[:300], to=m["to"], text=m["text"],
                           html=m["html"], attachments=m.get("attachments", []), created_at=now)
            for m in messages])
        run.status = MailingRun.Status.SENDING if rows else MailingRun.Status.DONE
        run.mails = len(rows)
        run.finished_at = None if rows else timezone.now()
        run.save(update_fields=["status", "mails", "finished_at"])
        ids = [r.pk for r in rows]
    _enqueue_messages(ids)  # after the commit above (a task runs this outside any transaction)
    return len(ids)


def _enqueue_messages(ids: list[int]) -> None:

    try:
        for pk in ids:
            mailing_message_send_task.apply_async(args=[pk], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception:  # broker down: the rows stay pending, the resend job sends them
        log.warning("broker unavailable; %d mailing message(s) stay pending", len(ids), exc_info=True)


def _build(row: MailingMessage) -> EmailMultiAlternatives:

    mail = EmailMultiAlternatives(subject=single_line(row.subject), body=row.text,
                                  from_email=settings.DEFAULT_FROM_EMAIL, to=row.to)
    mail.attach_alternative(row.html, "text/html")
    for att in row.attachments:
        with default_storage.open(att["file"], "rb") as fh:
            mail.attach(att["name"], fh.read(), att["mimetype"])
    return mail


def mailing_run_finish_if_sent(*, run_id: int) -> bool:
    """A run is done when each of its messages is sent (issue 23.4)."""
    if MailingMessage.objects.filter(run_id=run_id, email_sent_at__isnull=True).exists():
        return False
    return bool(MailingRun.objects.filter(pk=run_id, status=MailingRun.Status.SENDING)
                .update(status=MailingRun.Status.DONE, finished_at=timezone.now()))


def mailing_message_send(*, message_id: int, now: datetime | None = None) -> bool:
    """Claim, send (Message-ID from the row), mark; raises the mail error after recording it."""
    sent = outbox_send(MailingMessage, message_id, kind="mailing", build=_build, now=now)
    if sent:
        mailing_run_finish_if_sent(run_id=MailingMessage.objects.values_list("run_id", flat=True).get(pk=message_id))
    return sent


def mailing_resend_pending(*, now: datetime | None = None, older_than: timedelta = timedelta(seconds=30),
                           limit: int = 200) -> int:
    """Beat, every minute: messages still unsent (SMTP outage, lost task), on the notification backoff.
    An unreachable or hanging server ends the pass; the rest wait for the next one."""
    now = now or timezone.now()
    ids = list(MailingMessage.objects.filter(sendable(now), created_at__lte=now - older_than)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in ids:
        try:
            sent += mailing_message_send(message_id=pk, now=now)
        except Exception as err:
            log.warning("mailing message %s failed; will retry: %s", pk, err)
            if is_connection_error(err):
                break
    return sent


def mailing_message_resend(*, ids: list[int]) -> int:
    """Staff resend failed or pending messages (delivery problems page)."""
    count = outbox_retry(MailingMessage, ids)
    transaction.on_commit(lambda: _enqueue_messages(list(ids)))
    return count


def default_report_month(now: datetime) -> date:
    return previous_month(local(now).date())


def digest_preferences_set(*, user, choices: dict[str, bool]) -> None:
    """Per-user opt-in/out of each mailing (SPEC D-03)."""

    for kind, enabled in choices.items():
        if kind in MailingKind.values:
            DigestPreference.objects.update_or_create(user=user, kind=kind, defaults={"enabled": bool(enabled)})
