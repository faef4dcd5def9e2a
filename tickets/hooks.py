"""Who else hears of a work order's steps, without tickets importing them (issue 22).

    # portal/ticket_steps.py, registered from PortalConfig.ready()
    from tickets.hooks import step_listener

    @step_listener
    def on_step(*, order, kind, now, note, data): ...

`kind` is a WorkOrderEvent.Kind value (dispatched, arrived, completed, extended, developer_done). Listeners run inside
the service's transaction, after its event row: a listener writes only its own rows or outbox notices.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

StepListener = Callable[..., None]
_listeners: list[StepListener] = []


def step_listener(func: StepListener) -> StepListener:
    if func not in _listeners:
        _listeners.append(func)
    return func


def steps_announce(*, order: Any, kind: str, now: datetime, note: str = "", data: dict | None = None) -> int:
    for func in list(_listeners):
        func(order=order, kind=kind, now=now, note=note, data=data or {})
    return len(_listeners)
