"""SPEC §15: every timer in one table. The default (company) rows; the DB rows are editable,
per-site overrides (✎ → site_editable) are extra rows with `site` set. `policy_table_sync` adds
missing codes after every migrate and never overwrites an edit. App code names policies by code
only: no duration lives anywhere else (a message quotes the limit with `core.deadlines.policy_limit`).
The names are marked for translation here (gettext_noop) and translated where they are shown.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.translation import gettext_noop as _


class P(NamedTuple):
    code: str
    name: str
    amount: int
    unit: str  # DeadlinePolicy.Unit value
    action: str  # DeadlinePolicy.Action value
    roles: str = ""
    from_next_opening: bool = False
    repeat: bool = False
    site_editable: bool = False
    rule: str = ""


POLICY_TABLE: list[P] = [
    # ---- work orders (SPEC §2)
    P("ticket.emergency.dispatch", _("Emergency order dispatched"), 3, "minutes", "notify",
      "cs_supervisor,site_director", rule="T-03"),
    P("ticket.urgent.complete", _("24-hour repair completed"), 24, "hours", "overdue",
      "cs_supervisor,front_desk,dept_supervisor", site_editable=True, rule="T-04, T-11"),
    P("ticket.urgent.complete.wd", _("24-hour (working day) repair completed"), 24, "hours", "overdue",
      "cs_supervisor,front_desk,dept_supervisor", from_next_opening=True, site_editable=True, rule="T-04, W-04"),
    P("ticket.cleaning.complete", _("Move-in cleaning completed"), 0, "end_of_day", "overdue",
      "cs_supervisor,front_desk,dept_supervisor", site_editable=True, rule="T-04"),
    # a bound, never started: the latest date the front desk may agree for move-in cleaning
    P("ticket.cleaning.agreed", _("Latest agreed date for move-in cleaning"), 3, "working_days", "notify",
      "", site_editable=True, rule="T-04"),
    P("ticket.normal.complete", _("Repair or service completed"), 3, "working_days", "overdue",
      "cs_supervisor,front_desk,dept_supervisor", site_editable=True, rule="T-04, T-11"),
    P("ticket.supervisor.complete", _("Completed by the supervisor's deadline"), 0, "set", "overdue",
      "cs_supervisor,front_desk,dept_supervisor", rule="T-04"),
    # a bound, never started: the latest deadline a dispatcher may set for an internal job
    P("ticket.supervisor.max", _("Latest deadline set when dispatching"), 90, "days", "notify",
      "", site_editable=True, rule="T-04"),
    P("ticket.agreement.complete", _("Completed per signed agreement"), 0, "set", "overdue",
      "cs_supervisor,front_desk", rule="T-04, T-15"),
    P("ticket.agreement.return", _("Agreement order returned before month end"), 2, "before_month_end", "notify",
      "center_head,front_desk", rule="T-15"),
    P("ticket.extension.director", _("Two weeks from acceptance"), 14, "days", "notify",
      "site_director,center_head", rule="T-05"),
    # started when a completion clock breaches, stopped when an extension is asked for (or the order completed)
    P("ticket.extension.request", _("Extension applied for after going overdue"), 24, "hours", "notify",
      "cs_supervisor,front_desk", rule="T-05"),
    P("ticket.followup.engineering", _("Engineering order follow-up"), 7, "days", "followup",
      "front_desk,zone_staff", repeat=True, rule="T-10"),
    P("ticket.followup.property", _("Property order follow-up"), 3, "days", "followup",
      "front_desk,zone_staff", repeat=True, rule="T-10"),
    P("ticket.status.report", _("Status report to the front desk"), 3, "working_days", "notify",
      "cs_supervisor", rule="T-14"),
    P("ticket.callback", _("Callback of a returned order"), 1, "working_days", "overdue",
      "cs_supervisor", rule="CB-01"),
    P("ticket.capability", _("Capability check decided by the service-center head"), 0, "end_of_day", "notify",
      "cs_supervisor", rule="T-17"),
    # a bound, never started: how long after the call an emergency worked first may still be registered
    P("ticket.late.window", _("Work done first registered afterwards"), 7, "days", "notify",
      "", site_editable=True, rule="T-03"),
    P("ticket.developer.repair", _("Developer warranty repair"), 0, "set", "notify",
      "center_head,cs_supervisor", rule="T-16"),
    # ---- approvals in the approver's own login (SPEC T-18): the decision clock of each request
    P("approval.ticket.extension", _("Extension decided by the service-center head or director"), 1, "working_days",
      "notify", "center_head,site_director", site_editable=True, rule="T-05, T-18"),
    P("approval.ticket.agreement", _("'Within agreement' signed by the service-center head"), 1, "working_days",
      "notify", "center_head", site_editable=True, rule="T-15, T-18"),
    P("approval.ticket.charges", _("Paid-service charges checked and approved"), 1, "working_days", "notify",
      "dept_supervisor,cs_supervisor", site_editable=True, rule="T-07, T-18"),
    P("approval.ticket.joint", _("Joint inspection confirmed by the two inspectors"), 1, "working_days", "notify",
      "cs_supervisor", site_editable=True, rule="T-09, T-18"),
    P("approval.key.seal", _("Joint sealing confirmed by the second person"), 1, "working_days", "notify",
      "security_supervisor,center_head", site_editable=True, rule="K-01, K-06, T-18"),
    # ---- complaints (SPEC §3)
    P("complaint.forward", _("Passed to the front desk"), 24, "hours", "notify", "cs_supervisor", rule="C-01"),
    P("complaint.first_contact", _("Complainant contacted today"), 0, "end_of_day", "notify",
      "cs_supervisor", rule="C-12"),
    P("complaint.first_reply", _("First reply to the complainant"), 24, "hours", "notify",
      "cs_supervisor", rule="C-12"),
    P("complaint.dispatch", _("Classified and dispatched"), 12, "hours", "escalate", "", rule="C-02"),
    P("complaint.handling", _("Handled by the department's deadline"), 0, "set", "escalate", "", rule="C-06, C-07"),
    P("complaint.dept.response", _("Department's answer if it will be late"), 2, "hours", "escalate",
      "", rule="C-04, C-07"),
    P("complaint.dept.feedback", _("Completion reported to the front desk"), 2, "hours", "notify",
      "dept_supervisor,front_desk", rule="C-04"),
    P("complaint.form.return", _("Written complaint form returned"), 3, "working_days", "overdue",
      "front_desk", rule="C-04"),
    P("complaint.emergency.notify", _("Department notified of an emergency"), 3, "minutes", "notify",
      "center_head,site_director", rule="C-05"),
    P("complaint.emergency.company", _("Emergency resolved on site"), 5, "minutes", "escalate",
      "company_leader", rule="C-05"),
    P("complaint.emergency.report24", _("Written report to the company"), 24, "hours", "notify",
      "company_leader", rule="C-05"),
    P("complaint.emergency.executive", _("Resolved by the company leader"), 10, "minutes", "escalate",
      "executive", rule="C-05"),
    P("complaint.emergency.report48", _("Written report to the executive"), 48, "hours", "notify",
      "executive", rule="C-05"),
    P("complaint.verify", _("Resolution verified"), 8, "hours", "notify", "company_leader", rule="C-05"),
    P("complaint.first_responder", _("First-responder told"), 2, "hours", "notify", "", rule="C-08"),
    P("complaint.callback", _("Complaint callback"), 2, "working_days", "escalate", "cs_supervisor", rule="C-09"),
    P("complaint.cause", _("Cause and corrective action recorded"), 2, "working_days", "notify",
      "cs_supervisor", rule="C-13"),
    P("complaint.analysis", _("Monthly complaint analysis approved by the director"), 5, "days", "notify",
      "site_director", rule="C-10"),
    P("approval.complaint.analysis", _("Monthly complaint analysis decided by the site director"), 1,
      "working_days", "notify", "site_director", rule="C-10, T-18"),
    P("complaint.responsibility", _("Monthly responsibility review done"), 10, "days", "notify",
      "site_director,company_leader", rule="C-16"),
    P("ticket.dispatch.standard", _("Someone on the way (three-minute service)"), 3, "minutes", "notify",
      "", site_editable=True, rule="C-14"),
    # ---- callbacks and visits (SPEC §4), reception (SPEC §10)
    P("callback.promised_reply", _("Promised reply given"), 0, "set", "notify", "cs_supervisor", rule="CB-05"),
    P("reception.promised_reply", _("Promised reply to a visitor or caller"), 0, "set", "notify",
      "cs_supervisor,front_desk", rule="RC-01"),
    P("callback.sampling", _("Quality-sampling re-visit done"), 0, "end_of_month", "overdue",
      "cs_supervisor", rule="CB-06"),
    P("visit.monthly", _("Monthly routine visits done"), 0, "end_of_month", "overdue",
      "site_director,cs_supervisor", site_editable=True, rule="CB-04"),
    # ---- surveys, keys, renovation, reports
    P("survey.collection", _("Survey collection open"), 7, "days", "close", "", rule="S-03"),
    # S-02 cadences (issue 15.10): never started as clocks, read by the routine proposal and the new-service check
    P("survey.routine", _("Routine satisfaction survey every half year"), 6, "months", "notify",
      "site_director,cs_supervisor", site_editable=True, rule="S-02"),
    P("survey.new_service", _("New-service survey after the launch"), 3, "months", "notify",
      "site_director,cs_supervisor", site_editable=True, rule="S-02"),
    P("key.use.return", _("Key back by the planned time"), 0, "set", "notify",
      "security_supervisor,center_head", site_editable=True, rule="K-06"),
    P("key.use.endofday", _("Key back by the end of the day"), 0, "end_of_calendar_day", "escalate",
      "site_director", site_editable=True, rule="K-06"),
    P("key.reconcile", _("Weekly key reconciliation"), 7, "days", "followup",
      "security_supervisor,center_head", repeat=True, rule="K-02"),
    P("renovation.acceptance", _("Acceptance applied for"), 7, "working_days", "overdue",
      "center_head", rule="R-07"),
    P("renovation.permit.expiry", _("Renovation permit end date"), 0, "set", "notify",
      "center_head,front_desk", rule="R-06"),
    P("renovation.patrol", _("Daily patrol of an active renovation"), 0, "end_of_day", "overdue",
      "center_head,cs_supervisor", site_editable=True, rule="R-09"),
    P("renovation.change", _("Renovation change decided"), 3, "working_days", "notify",
      "center_head", rule="R-08"),
    P("reports.monthly", _("Monthly report ready"), 5, "days", "notify",
      "site_director,cs_supervisor", rule="D-02, C-10"),
    # ---- fees (SPEC §8, issue 16)
    P("fees.bill.due", _("Bill paid by the due date"), 30, "days", "notify",
      "finance", site_editable=True, rule="F-03"),
    P("fees.reminder", _("Payment reminder followed up"), 5, "working_days", "notify",
      "zone_manager,finance", site_editable=True, rule="F-03"),
    # ---- inspections and assessment (SPEC §9, issue 18)
    P("inspection.zone.daily", _("Zone manager's daily inspection"), 0, "end_of_day", "overdue",
      "cs_supervisor", site_editable=True, rule="A-01"),
    P("inspection.zone.weekly", _("Weekly inspection"), 7, "days", "overdue",
      "cs_supervisor,site_director", site_editable=True, rule="A-01, A-04"),
    P("inspection.dept.daily", _("Department supervisor's daily inspection"), 0, "end_of_day", "overdue",
      "cs_supervisor", site_editable=True, rule="A-04"),
    P("inspection.company.monthly", _("Company's monthly inspection"), 0, "end_of_month", "overdue",
      "company_leader", rule="A-04"),
    P("inspection.rectify", _("Rectification done"), 3, "working_days", "notify",
      "cs_supervisor", site_editable=True, rule="A-01, A-04"),
    P("assessment.monthly", _("Zone ranking and appraisal locked"), 5, "days", "notify",
      "site_director,cs_supervisor", rule="A-02, A-05"),
    P("maintenance.plan", _("Planned maintenance done"), 0, "set", "overdue",
      "dept_supervisor,center_head", rule="O-05"),
    # ---- handover, suggestions, drills (SPEC §16, C-15, E-02; issue 19)
    P("handover.defect", _("Defect rectified by the developer by the agreed date"), 0, "set", "notify",
      "cs_supervisor,center_head", rule="H-01, H-02, T-16"),
    P("suggestion.decision", _("Suggestion decided by the site director"), 5, "working_days", "notify",
      "site_director", rule="C-15"),
    P("drill.plan", _("Emergency drill held in the half year"), 0, "set", "overdue",
      "center_head,site_director", rule="E-02"),
]
