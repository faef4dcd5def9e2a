"""Key custody use cases (SPEC §6). Each one transaction; dual control re-checked here (X-02).

One module per use case; everything is re-exported here so `from keys.services import …` keeps working."""

from keys.services._common import ENDOFDAY_CLOCK, RECONCILE_CLOCK, RETURN_CLOCK
from keys.services.breaches import key_use_mark_escalated, key_use_mark_overdue
from keys.services.deposits import (
    key_cabinet_create,
    key_deposit_approve,
    key_deposit_cancel,
    key_deposit_register,
    key_deposit_return_to_resident,
    key_deposit_store,
)
from keys.services.reconciliation import key_incident_close, key_reconciliation_record, reconciliation_candidates
from keys.services.uses import (
    key_use_approve,
    key_use_cancel,
    key_use_item_add,
    key_use_item_put_back,
    key_use_record_entry_signatures,
    key_use_request,
    key_use_return,
    key_use_sign_entry,
    key_use_take_out,
)

__all__ = [
    "ENDOFDAY_CLOCK",
    "RECONCILE_CLOCK",
    "RETURN_CLOCK",
    "key_cabinet_create",
    "key_deposit_approve",
    "key_deposit_cancel",
    "key_deposit_register",
    "key_deposit_return_to_resident",
    "key_deposit_store",
    "key_incident_close",
    "key_reconciliation_record",
    "key_use_approve",
    "key_use_cancel",
    "key_use_item_add",
    "key_use_mark_escalated",
    "key_use_mark_overdue",
    "key_use_item_put_back",
    "key_use_record_entry_signatures",
    "key_use_request",
    "key_use_return",
    "key_use_sign_entry",
    "key_use_take_out",
    "reconciliation_candidates",
]
