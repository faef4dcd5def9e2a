"""Helpers shared by the key use cases: clocks, row lock, notices, seals."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.approvals import approval_request
from core.errors import DomainError
from core.notifications import notification_queue
from estates.selectors import users_with_roles
from keys.approvals import SEALER, WITNESS
from keys.models import (
    SealRecord,
)

RETURN_CLOCK = "key.use.return"  # SPEC K-06: back by the planned time
ENDOFDAY_CLOCK = "key.use.endofday"  # SPEC K-06: back by the end of the working day
RECONCILE_CLOCK = "key.reconcile"  # SPEC K-02: weekly


def _notify(site_id: int, roles, *, title: str, subject, kind: str = "info", exclude=None) -> None:
    users = [u for u in users_with_roles(site_id=site_id, roles=roles) if exclude is None or u.pk != exclude]
    notification_queue(recipients=users, title=title, url=subject.get_absolute_url(), kind=kind,
                       site_id=site_id, subject=subject)


def _seal_number_free(site_id: int, seal_number: str) -> str:
    seal_number = (seal_number or "").strip()
    if not seal_number:
        raise DomainError(_("Enter the seal number."), code="seal_required")
    if SealRecord.objects.filter(site_id=site_id, seal_number__iexact=seal_number).exists():
        raise DomainError(_("Seal number %(n)s has been used before; use a new seal.") % {"n": seal_number},
                          code="seal_used")
    return seal_number


def _create_seal(*, actor: User | None = None, now=None, **kwargs) -> SealRecord:
    try:
        with transaction.atomic():
            seal = SealRecord.objects.create(**kwargs)
    except IntegrityError as err:  # a concurrent request took the same number
        raise DomainError(_("Seal number %(n)s has been used before; use a new seal.")
                          % {"n": kwargs["seal_number"]}, code="seal_used") from err
    _ask_sealers(seal, actor=actor, now=now)
    return seal


def _ask_sealers(seal: SealRecord, *, actor: User | None, now) -> None:
    """SPEC K-01/K-06 + T-18: each of the two people who sealed confirms it in their own login (the one
    recording it does so by recording); nobody records a seal for two others by picking their names."""
    summary = _("Seal %(n)s on the key of %(unit)s") % {"n": seal.seal_number, "unit": seal.deposit.unit.code}
    approval_request(kind=SEALER, subject=seal, actor=actor, summary=summary, now=now)
    if seal.sealed_with_id:
        approval_request(kind=WITNESS, subject=seal, actor=actor, summary=summary, now=now)
