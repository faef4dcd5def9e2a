"""Helpers every service uses (STYLE §2), written once: who acts, lock the row, require a condition,
refuse a step the state does not allow, and note who changed a row for its history.

    user = as_user(actor)
    order = lock_row(order, "category", "site")
    require(permissions.can_dispatch(user, order), _("You may not dispatch this order."))
    refuse_state(order, order.dispatch)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=models.Model)
T = TypeVar("T")


def as_user(actor: Any) -> User | None:
    """Services take a User, or a staff row that has one (`actor.user`); None stays None (the system)."""
    if actor is not None and hasattr(actor, "user_id") and not hasattr(actor, "is_authenticated"):
        return actor.user
    return actor


def require(ok: bool, message: str, code: str = "not_allowed") -> None:
    """A rule of the use case: refuse with `DomainError(message, code)` unless `ok`."""
    if not ok:
        raise DomainError(message, code=code)


def require_value(value: T | None, message: str, code: str = "not_allowed") -> T:
    """`require(value is not None, …)` that hands the value back, so the type checker knows it is there."""
    if value is None:
        raise DomainError(message, code=code)
    return value


def allows(check: Any, *args: Any) -> bool:
    """A permission predicate from the check a service calls: True unless the check refuses."""
    try:
        check(*args)
    except DomainError:
        return False
    return True


def lock_row(obj: M, *related: str) -> M:
    """The row again, locked for this transaction (`SELECT … FOR UPDATE`, only this table's row)."""
    manager = type(obj)._default_manager
    return manager.select_for_update(of=("self",)).select_related(*related).get(pk=obj.pk)


def refuse_state(obj: models.Model, transition: Any, message: str | None = None) -> None:
    """The FSM decides whether the state allows the step; if not, a `bad_state` DomainError."""
    if not can_proceed(transition):
        status = getattr(obj, "get_status_display", lambda: "")()
        raise DomainError(message or _("This step is not possible in the state “%(status)s”.") % {"status": status},
                          code="bad_state")


def history_note(obj: models.Model, *, user: Any, reason: str = "") -> None:
    """Who made the next save, and why, for django-simple-history's row (SPEC X-01)."""
    obj._history_user = user  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]
