"""Complaints 投诉 (SPEC §3): the complaint and its history (`base`), the records around it (`records`:
photos, escalations, the emergency chain's decisions, reports, reminders) and the monthly records with
a clock (`monthly`: the C-10 analysis, the C-16 responsibility review). Re-exported here."""

from complaints.models.base import (
    Category,
    Cause,
    Complaint,
    ComplaintEvent,
    Level,
    ReplyMethod,
    Severity,
)
from complaints.models.monthly import MonthlyAnalysis, ResponsibilityFinding, ResponsibilityReview
from complaints.models.records import (
    ChainDecision,
    ComplaintPhoto,
    ComplaintReport,
    Escalation,
    Reminder,
    _photo_path,
)

__all__ = [
    "Category",
    "Cause",
    "ChainDecision",
    "Complaint",
    "ComplaintEvent",
    "ComplaintPhoto",
    "ComplaintReport",
    "Escalation",
    "Level",
    "MonthlyAnalysis",
    "Reminder",
    "ReplyMethod",
    "ResponsibilityFinding",
    "ResponsibilityReview",
    "Severity",
    "_photo_path",
]
