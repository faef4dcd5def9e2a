"""Breach of `suggestion.decision` (the engine notifies the director once): a line in the history."""

from __future__ import annotations

from core.deadlines import breach_handler
from suggestions.services import suggestion_decision_overdue


@breach_handler("suggestion.decision")
def decision_overdue(deadline, now) -> None:
    suggestion_decision_overdue(suggestion_id=deadline.subject_id, now=now)
