"""The one beat schedule. Each entry says when and why.

Admin-editable times (digest hour, report day) are data read by a frequent task, so this table
stays static; see reports/ and core/.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # SPEC X-04: find due deadlines, record the breach, run its action exactly once.
    # Runs on its own "deadlines" queue (settings CELERY_TASK_ROUTES); a sweep not started within 25 s
    # is dropped, the next one is 5 s behind it, so a stalled worker never finds a pile of sweeps.
    "deadline-sweep": {"task": "core.tasks.deadline_sweep_task", "schedule": 30.0, "options": {"expires": 25}},
    # Outbox: re-send notifications still pending after a Redis or SMTP outage.
    "notification-resend": {"task": "core.tasks.notification_resend_pending_task", "schedule": 60.0},
    # Mailing messages still unsent after an SMTP outage, on the notification backoff (issue 23.4).
    "mailing-resend": {"task": "reports.tasks.mailing_resend_pending_task", "schedule": 60.0},
    # Payment notices (收费通知单) by email still unsent after an SMTP outage (issue 16 part 3).
    "fees-notice-resend": {"task": "fees.tasks.notice_emails_resend_pending_task", "schedule": 60.0},
    # Issue 21.1: the dashboard's open-order counts, appended by triggers, folded to one row per key.
    "open-counts-compact": {"task": "tickets.tasks.open_counts_compact_task", "schedule": 60.0,
                            "options": {"expires": 55}},
    # SPEC D-02/D-03: digests and reports due now per their admin-editable schedules.
    "scheduled-mailings": {"task": "reports.tasks.scheduled_mailings_task", "schedule": crontab(minute="*")},
    # SPEC S-02: propose the next routine survey campaign when a site's last one is 6 months old.
    "surveys-propose-routine": {"task": "surveys.tasks.propose_routine_campaigns_task",
                                "schedule": crontab(hour=7, minute=0)},
    # SPEC CB-04: the month's routine-visit plans (10 for the director, 15 per zone manager).
    "visit-plans-monthly": {"task": "callbacks.tasks.visit_plans_monthly_task",
                            "schedule": crontab(day_of_month="1", hour=0, minute=30)},
    # SPEC C-10, C-16: open last month's complaint analysis (by the 5th) and responsibility review (by the 10th).
    "complaint-month-records": {"task": "complaints.tasks.complaint_month_records_task",
                                "schedule": crontab(day_of_month="1", hour=0, minute=40)},
    # SPEC CB-06: draw last month's closed complaints for quality re-visits.
    "callback-sampling-monthly": {"task": "callbacks.tasks.sampling_monthly_task",
                                  "schedule": crontab(day_of_month="1", hour=1, minute=0)},
    # SPEC: open the day's inspection cadence duties (each breaches once when missed).
    "inspection-duties-daily": {"task": "inspections.tasks.inspection_duties_task",
                                "schedule": crontab(hour=0, minute=10)},
    # SPEC O-05: the maintenance plan's occurrences due within 30 days become internal work orders.
    "maintenance-generate-daily": {"task": "inspections.tasks.maintenance_generate_task",
                                   "schedule": crontab(hour=0, minute=20)},
    # SPEC A-02: draft last month's zone ranking (the CS supervisor adjusts, the director locks).
    "ranking-draft-monthly": {"task": "inspections.tasks.ranking_draft_task",
                              "schedule": crontab(day_of_month="1", hour=2, minute=0)},
    # SPEC E-02: each site's half year gets its drill.plan clock (a drill must be held before it ends).
    "drill-periods-daily": {"task": "emergencies.tasks.drill_periods_task", "schedule": crontab(hour=0, minute=30)},
    # SPEC T-02: work-order forms rendered ahead are kept two weeks, then rendered again if reprinted.
    "print-forms-prune": {"task": "tickets.tasks.prune_stored_forms_task", "schedule": crontab(hour=3, minute=15)},
    # Issue 23.2: one-time form submission keys are kept a week (a repeat after that is no double click).
    "submission-keys-purge": {"task": "core.tasks.submission_keys_purge_task", "schedule": crontab(hour=3, minute=30)},
    # Issue 20.6: the notices a user left unread before today become one digest notice (and one email).
    "notification-digest": {"task": "core.tasks.notification_digest_task", "schedule": crontab(hour=6, minute=30)},
}
