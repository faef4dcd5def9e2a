"""Renovation services (write side), one module per stage, re-exported here (STYLE §2)."""

from renovation.services.application import (  # noqa: F401
    approval_blockers,
    document_attach,
    missing_documents,
    permit_issue,
    renovation_approve,
    renovation_deposit_take,
    renovation_plan_change,
    renovation_register,
    renovation_reject,
    renovation_review,
    renovation_submit,
    worker_add,
    worker_id_number,
)
from renovation.services.common import setting_for  # noqa: F401
from renovation.services.completion import (  # noqa: F401
    acceptance_apply,
    completion_declare,
    inspection_record,
    refund_due,
    renovation_refund,
)
from renovation.services.works import (  # noqa: F401
    change_apply,
    change_decide,
    gate_enter,
    gate_leave,
    patrol_record,
    violation_deduct,
    violation_follow_up,
    violation_record,
)
