"""What every handover service shares: the refusal, the row lock, the item lists, the date rule."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from handover.models import (
    ChecklistItem,
    MoveIn,
)

DEFECT_CLOCK = "handover.defect"
Step = MoveIn.Step


def _need(ok: bool, message: str, code: str = "not_allowed") -> None:
    if not ok:
        raise DomainError(message, code=code)


def items_of(scope: str) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(scope=scope, is_active=True).order_by("position", "id"))


def _check_dates(due_at: datetime | None, reinspect_on: date | None, now: datetime) -> tuple[datetime, date]:
    """The deadline agreed with the developer and the re-inspection date, both given and in order."""
    if due_at is None or reinspect_on is None:
        raise DomainError(_("Give the rectification deadline agreed with the developer and the re-inspection date."),
                          code="due_at")
    _need(due_at > now, _("The rectification deadline must be in the future."), "due_at")
    _need(reinspect_on >= timezone.localdate(due_at),
          _("The re-inspection cannot be before the rectification deadline."), "reinspect_on")
    return due_at, reinspect_on

