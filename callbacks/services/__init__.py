"""Callback services (SPEC §4). Re-exported so callers import `callbacks.services`."""

from callbacks.services.callbacks import (
    callback_attempt_record,
    callback_cancel,
    callback_mismatch_finding_record,
    callback_reassign,
    callback_request,
    callback_site_check_request,
    default_assignee,
)
from callbacks.services.promised import promised_reply_answer, promised_reply_create
from callbacks.services.relationship import (
    relationship_plan_create,
    relationship_task_add,
    relationship_task_cancel,
    relationship_task_record,
)
from callbacks.services.sampling import callback_settings_for, callback_settings_update, sampling_draw
from callbacks.services.visits import visit_plan_generate, visit_record

__all__ = [
    "callback_attempt_record", "callback_cancel", "callback_mismatch_finding_record", "callback_reassign",
    "callback_request", "callback_settings_for", "callback_settings_update", "callback_site_check_request",
    "default_assignee",
    "promised_reply_answer", "promised_reply_create", "relationship_plan_create", "relationship_task_add",
    "relationship_task_cancel", "relationship_task_record", "sampling_draw", "visit_plan_generate", "visit_record",
]
