"""Breach of `suggestion.decision` (the engine notifies the director once): a line in the history."""

from __future__ import annotations

from core.deadlines import breach_handler


@breach_handler("suggestion.decision")
def decision_overdue(deadline, now) -> None:
    from suggestions.services import suggestion_decision_overdue  # noqa: PLC0415

    suggestion_decision_overdue(suggestion_id=deadline.subject_id, now=now)
