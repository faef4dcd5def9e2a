"""Renovation (二次装修, SPEC §7 R-01..R-09): application, checklist review, approval and permit,
worker passes and the gate log, daily patrols and violations, changes and extensions, completion,
acceptance and the deposit (held in `fees`).

Models hold fields and constraints; the rules, locks, history rows and clocks live in
`renovation.services` (STYLE §2). A package by stage; every name is re-exported here.
"""

from renovation.models.application import (
    DEFAULT_WORK_HOURS,
    ChecklistItem,
    Document,
    Renovation,
    Review,
    ReviewResult,
    SiteRenovationSetting,
    Worker,
)
from renovation.models.works import (
    Change,
    FollowUp,
    GateEntry,
    Inspection,
    Patrol,
    Photo,
    RenovationEvent,
    Violation,
)

__all__ = [
    "DEFAULT_WORK_HOURS", "Change", "ChecklistItem", "Document", "FollowUp", "GateEntry", "Inspection", "Patrol",
    "Photo", "Renovation", "RenovationEvent", "Review", "ReviewResult", "SiteRenovationSetting", "Violation", "Worker",
]
