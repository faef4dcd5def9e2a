"""C-10 monthly analysis."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.models import (
    MonthlyAnalysis,
)
from complaints.services._common import _staff
from core.errors import DomainError
from core.service_kit import as_user, require


# ---------------------------------------------------------------- C-10 monthly analysis
@transaction.atomic
def analysis_submit(*, site: Any, month: date, causes: str, proposals: str, actor: Any,
                    now: datetime | None = None) -> MonthlyAnalysis:
    now = now or timezone.now()
    require(perm.can_write_analysis(as_user(actor)), _("You cannot write the monthly analysis."))
    if not causes.strip() or not proposals.strip():
        raise DomainError(_("Write both the causes and the improvement proposals."), code="text")
    month = month.replace(day=1)
    row, _created = MonthlyAnalysis.objects.update_or_create(
        site=site, month=month, defaults={"causes": causes.strip(), "proposals": proposals.strip(),
                                          "author": _staff(actor), "submitted_at": now})
    return row
