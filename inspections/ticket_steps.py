"""SPEC O-05: the maintenance plan follows its work orders. tickets announces its steps (tickets.hooks) and
never imports this app; a completed order (or the developer's reported repair) marks its occurrence done
through the maintenance service, inside the completing service's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inspections.maintenance import occurrence_done_by_order
from tickets.hooks import step_listener

DONE_KINDS = ("completed", "developer_done")


def on_step(*, order: Any, kind: str, now: datetime, note: str, data: dict) -> None:
    if str(kind) in DONE_KINDS:
        occurrence_done_by_order(order)


def register() -> None:
    step_listener(on_step)
