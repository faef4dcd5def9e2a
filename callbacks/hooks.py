"""How subjects' apps react to a callback's final result, without callbacks importing them.

    # tickets/callback_handlers.py (imported from TicketsConfig.ready())
    from callbacks.hooks import outcome_handler

    @outcome_handler("tickets.workorder")
    def on_callback_outcome(*, callback, result, now, actor):
        ...  # e.g. unsatisfied → rework

`result` is one of callbacks.models.Result values: satisfied / basically / unsatisfied / unreachable.
The handler runs ONCE per callback, inside the transaction that closes the callback (a handler that
raises rolls the closing back). It runs for every kind of callback about that model, including
quality-sampling re-visits (`callback.kind == "sampling"`): check `callback.kind` if that matters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

OutcomeHandler = Callable[..., None]
_handlers: dict[str, list[OutcomeHandler]] = {}


def outcome_handler(model_label: str) -> Callable[[OutcomeHandler], OutcomeHandler]:
    """Register `func(*, callback, result, now, actor)` for subjects of `model_label` ("app.model")."""
    label = model_label.lower()

    def register(func: OutcomeHandler) -> OutcomeHandler:
        funcs = _handlers.setdefault(label, [])
        if func not in funcs:
            funcs.append(func)
        return func

    return register


def handlers_for(model_label: str) -> list[OutcomeHandler]:
    return list(_handlers.get(model_label.lower(), []))


def outcome_run(*, callback: Any, result: str, now: datetime, actor: Any) -> int:
    """Call the handlers of the callback's subject model; returns how many ran."""
    ct = callback.subject_type
    funcs = handlers_for(f"{ct.app_label}.{ct.model}")
    for func in funcs:
        func(callback=callback, result=result, now=now, actor=actor)
    return len(funcs)


# ---- CB-06: where closed complaints come from, without importing complaints
CandidatesProvider = Callable[..., list]
_providers: list[CandidatesProvider] = []


def sampling_candidates_provider(func: CandidatesProvider) -> CandidatesProvider:
    """Register `func(*, site, period_start, period_end) -> [(subject, unit, resident)]` (closed complaints).

    The monthly sampling task (`callbacks.tasks.sampling_monthly_task`) asks every provider and draws
    the site's share of the candidates (`callbacks.services.sampling_draw`).
    """
    if func not in _providers:
        _providers.append(func)
    return func


def sampling_candidates(*, site: Any, period_start: Any, period_end: Any) -> list:
    out: list = []
    for func in _providers:
        out.extend(func(site=site, period_start=period_start, period_end=period_end))
    return out
