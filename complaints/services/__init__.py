"""Complaint use cases (SPEC §3). Services write: lock, transition, event, clocks, notices.

One module per use case; everything is re-exported here so `from complaints.services import …` keeps working."""

from complaints.services._common import (
    EMERGENCY_CLOCKS,
    LEVEL_ROLES,
    MAX_PHOTOS,
    E,
    S,
    complaint_number,
    photo_check,
    running,
)
from complaints.services.analysis import analysis_submit
from complaints.services.breaches import (
    complaint_department_late,
    complaint_emergency_to_company,
    complaint_emergency_to_executive,
    complaint_feedback_late,
    complaint_first_responder_remind,
    complaint_missed_escalate,
    complaint_overdue_record,
)
from complaints.services.callback import (
    callback_deadline,
    complaint_callback_outcome,
    complaint_callback_record,
    open_callback,
)
from complaints.services.classification import (
    complaint_confirm,
    complaint_notify_department,
    complaint_propose,
    complaint_set_deadline,
    complaint_take_over,
)
from complaints.services.escalation import (
    complaint_escalate,
    escalation_acknowledge,
    escalation_recipients,
    inquiry_record,
    reminder_issue,
)
from complaints.services.handling import (
    complaint_accept,
    complaint_finish,
    complaint_first_responder_ack,
    complaint_form_return,
    complaint_report_file,
    complaint_report_handled,
    complaint_verify,
)
from complaints.services.intake import complaint_contact, complaint_receive, complaint_register
from complaints.services.work_orders import complaint_work_order, work_order_of

__all__ = [
    "E",
    "EMERGENCY_CLOCKS",
    "LEVEL_ROLES",
    "MAX_PHOTOS",
    "S",
    "analysis_submit",
    "callback_deadline",
    "complaint_department_late",
    "complaint_emergency_to_company",
    "complaint_emergency_to_executive",
    "complaint_feedback_late",
    "complaint_first_responder_remind",
    "complaint_missed_escalate",
    "complaint_overdue_record",
    "complaint_accept",
    "complaint_callback_outcome",
    "complaint_callback_record",
    "complaint_confirm",
    "complaint_contact",
    "complaint_escalate",
    "complaint_finish",
    "complaint_first_responder_ack",
    "complaint_form_return",
    "complaint_notify_department",
    "complaint_number",
    "complaint_propose",
    "complaint_receive",
    "complaint_register",
    "complaint_report_file",
    "complaint_report_handled",
    "complaint_set_deadline",
    "complaint_take_over",
    "complaint_verify",
    "complaint_work_order",
    "escalation_acknowledge",
    "escalation_recipients",
    "inquiry_record",
    "open_callback",
    "photo_check",
    "reminder_issue",
    "running",
    "work_order_of",
]
