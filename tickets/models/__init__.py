"""Work orders — 报事单 (SPEC §2, T-01..T-16).

Fields, constraints and fields-only FSM transitions live here; rules, locks, events and clocks
live in `tickets.services`. A package by subject; every name is re-exported here (migrations name
`tickets.models.new_public_token`).
"""

from tickets.models.catalog import (
    Category,
    CompletionPolicy,
    FollowupPolicy,
    PriceItem,
)
from tickets.models.completion import (
    Charge,
    CurrentManager,
    Extension,
    Material,
    VoidableRow,
)
from tickets.models.orders import (
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPhoto,
    new_public_token,
)
from tickets.models.referral import (
    CapabilityReferral,
)

__all__ = [
    "CapabilityReferral",
    "Category",
    "Charge",
    "CompletionPolicy",
    "CurrentManager",
    "Extension",
    "FollowupPolicy",
    "Material",
    "PriceItem",
    "VoidableRow",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderPhoto",
    "new_public_token",
]
