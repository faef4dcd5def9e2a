"""Work-order use cases (STYLE §2): `work_order_<verb>`, one module per stage (registration, completion,
receipt, extension, agreement, developer); re-exported so imports never change."""

from tickets.services.agreement import work_order_agreement_record, work_order_agreement_return
from tickets.services.capability import (
    capability_accept,
    capability_decline,
    capability_record_paper,
    capability_refer,
)
from tickets.services.completion import (
    work_order_arrive,
    work_order_charges_approve,
    work_order_charges_check,
    work_order_complete,
)
from tickets.services.developer import (
    work_order_contractor_review,
    work_order_developer_repaired,
    work_order_joint_inspection,
    work_order_reinspect,
    work_order_route_developer,
)
from tickets.services.extension import (
    work_order_extend,
    work_order_followup,
    work_order_return_unresolvable,
    work_order_status_report,
)
from tickets.services.late import work_order_register_late
from tickets.services.receipt import (
    ONLINE_EVALUABLE,
    receipt_problems,
    work_order_callback_outcome,
    work_order_evaluate,
    work_order_evaluate_online,
    work_order_receipt_accept,
    work_order_receipt_refuse,
    work_order_rework,
)
from tickets.services.registration import (
    next_number,
    work_order_cancel,
    work_order_dispatch,
    work_order_register,
)

__all__ = [
    "capability_accept", "capability_decline", "capability_record_paper", "capability_refer",
    "work_order_register_late",
    "next_number", "receipt_problems", "work_order_agreement_record", "work_order_agreement_return",
    "work_order_arrive", "work_order_callback_outcome", "work_order_cancel", "work_order_charges_approve",
    "work_order_charges_check", "work_order_complete", "work_order_contractor_review",
    "work_order_developer_repaired", "work_order_dispatch", "ONLINE_EVALUABLE", "work_order_evaluate",
    "work_order_evaluate_online", "work_order_extend",
    "work_order_followup", "work_order_joint_inspection", "work_order_receipt_accept", "work_order_receipt_refuse",
    "work_order_register", "work_order_reinspect", "work_order_return_unresolvable", "work_order_rework",
    "work_order_route_developer", "work_order_status_report",
]
