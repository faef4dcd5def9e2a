"""Money fields and the append-only triggers every ledger table uses (F-01, F-02)."""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.db import models

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs) -> models.DecimalField:
    """Every amount of money: yuan with fen, never a float (F-01)."""
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


def _append_only(name: str) -> list:
    """Posted rows are never changed: UPDATE and DELETE raise in the database (F-02)."""
    return [pgtrigger.Protect(name=f"{name}_no_update", operation=pgtrigger.Update),
            pgtrigger.Protect(name=f"{name}_no_delete", operation=pgtrigger.Delete)]
