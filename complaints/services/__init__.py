"""Complaint use cases (SPEC §3). Services write: lock, transition, event, clocks, notices.

One module per use case; everything is re-exported here so `from complaints.services import …` keeps working."""

from complaints.permissions import LEVEL_ROLES
from complaints.services._common import (
    EMERGENCY_CLOCKS,
    MAX_PHOTOS,
    E,
    S,
    complaint_number,
    photo_check,
    running,
)
from complaints.services.breaches import (
    complaint_cause_remind,
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
    complaint_close,
    open_callback,
)
from complaints.services.cause import (
    complaint_action_done,
    complaint_action_verify,
    complaint_cause_record,
    complaint_reply_record,
)
from complaints.services.chain import (
    chain_active,
    complaint_chain_decide,
    complaint_escalate_by_hand,
    complaint_reclassify,
    deciding_level,
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
from complaints.services.monthly import (
    analysis_decide,
    analysis_open,
    analysis_submit,
    month_records_open,
    review_complaints,
    review_complete,
    review_finding_record,
    review_open,
)
from complaints.services.work_orders import complaint_work_order, work_order_of

__all__ = [
    "E",
    "EMERGENCY_CLOCKS",
    "LEVEL_ROLES",
    "MAX_PHOTOS",
    "S",
    "analysis_decide",
    "analysis_open",
    "analysis_submit",
    "callback_deadline",
    "chain_active",
    "complaint_accept",
    "complaint_action_done",
    "complaint_action_verify",
    "complaint_callback_outcome",
    "complaint_callback_record",
    "complaint_cause_record",
    "complaint_cause_remind",
    "complaint_chain_decide",
    "complaint_close",
    "complaint_confirm",
    "complaint_contact",
    "complaint_department_late",
    "complaint_emergency_to_company",
    "complaint_emergency_to_executive",
    "complaint_escalate",
    "complaint_escalate_by_hand",
    "complaint_feedback_late",
    "complaint_finish",
    "complaint_first_responder_ack",
    "complaint_first_responder_remind",
    "complaint_form_return",
    "complaint_missed_escalate",
    "complaint_notify_department",
    "complaint_number",
    "complaint_overdue_record",
    "complaint_propose",
    "complaint_receive",
    "complaint_reclassify",
    "complaint_register",
    "complaint_reply_record",
    "complaint_report_file",
    "complaint_report_handled",
    "complaint_set_deadline",
    "complaint_take_over",
    "complaint_verify",
    "complaint_work_order",
    "deciding_level",
    "escalation_acknowledge",
    "escalation_recipients",
    "inquiry_record",
    "month_records_open",
    "open_callback",
    "photo_check",
    "reminder_issue",
    "review_complaints",
    "review_complete",
    "review_finding_record",
    "review_open",
    "running",
    "work_order_of",
]
