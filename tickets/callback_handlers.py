"""React to the callback's final result (callbacks.hooks, SPEC T-08 / CB-01)."""

from __future__ import annotations

from callbacks.hooks import outcome_handler
from tickets.services import work_order_callback_outcome


@outcome_handler("tickets.workorder")
def on_callback_outcome(*, callback, result, now, actor) -> None:

    if getattr(callback, "kind", "") == "sampling":
        return
    work_order_callback_outcome(order=callback.subject, result=result, actor=actor, now=now)
