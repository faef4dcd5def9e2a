"""Key custody (SPEC §6, K-01..K-07): cabinet, deposits, seals, uses, reconciliation, incidents.

Transitions change fields only; services add the lock, the dual-control checks, the history row
and the clocks (STYLE §2, §3). A package by subject; every name is re-exported here.
"""

from keys.models.control import (
    KeyEvent,
    KeyIncident,
    KeyReconciliation,
    KeyReconciliationLine,
)
from keys.models.custody import (
    MAX_KEYS,
    KeyCabinet,
    KeyDeposit,
    KeySlot,
)
from keys.models.uses import (
    KeyApproval,
    KeyUse,
    KeyUseItem,
    SealRecord,
)

__all__ = [
    "KeyApproval",
    "KeyCabinet",
    "KeyDeposit",
    "KeyEvent",
    "KeyIncident",
    "KeyReconciliation",
    "KeyReconciliationLine",
    "KeySlot",
    "KeyUse",
    "KeyUseItem",
    "MAX_KEYS",
    "SealRecord",
]
