"""Takeover acceptance and move-in (SPEC H-01..H-03): every rule lives here and re-checks its permission.

A package by use case; the names are re-exported so `from handover import services as svc` keeps working."""

from handover.services._common import DEFECT_CLOCK, Step, items_of
from handover.services.defects import defect_list, defect_overdue_record, defect_rectified, defect_reinspect
from handover.services.move_in import (
    key_in_custody,
    move_in_cancel,
    move_in_defects_report,
    move_in_documents,
    move_in_fees,
    move_in_identity,
    move_in_inspect,
    move_in_keys,
    move_in_open,
    move_in_utilities,
)
from handover.services.takeover import (
    inspection_record,
    missing_documents,
    takeover_accept,
    takeover_documents_record,
    takeover_keys_receive,
    takeover_register,
    takeover_reply,
)

__all__ = [
    "DEFECT_CLOCK", "Step", "defect_list", "defect_overdue_record", "defect_rectified", "defect_reinspect",
    "inspection_record", "items_of", "key_in_custody", "missing_documents", "move_in_cancel",
    "move_in_defects_report", "move_in_documents", "move_in_fees", "move_in_identity", "move_in_inspect",
    "move_in_keys", "move_in_open", "move_in_utilities", "takeover_accept", "takeover_documents_record",
    "takeover_keys_receive", "takeover_register", "takeover_reply",
]
