"""SPEC CB-06: quality sampling of closed complaints, and the per-site callback settings."""

from __future__ import annotations

import math
import random
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import Callback, CallbackSettings, SamplingDraw
from callbacks.permissions import can_manage_callbacks
from callbacks.services.callbacks import callback_request
from core.errors import DomainError
from core.service_kit import history_note

MIN_IN_PERSON_SHARE = Decimal("0.3")


def callback_settings_for(site: Any) -> CallbackSettings:
    row = CallbackSettings.objects.filter(site_id=site.pk).first()
    if row is None:
        row, _created = CallbackSettings.objects.get_or_create(site_id=site.pk)
    return row


@transaction.atomic
def callback_settings_update(*, site: Any, actor: User, sampling_share: Decimal,
                             in_person_share: Decimal | None = None, director_visits: int | None = None,
                             zone_manager_visits: int | None = None) -> CallbackSettings:

    if not can_manage_callbacks(actor, site.pk):
        raise DomainError(_("Only the site's supervisors change the callback settings."), code="not_allowed")
    if not (Decimal("0") <= sampling_share <= Decimal("1")):
        raise DomainError(_("The sampling share is between 0% and 100%."), code="share")
    if in_person_share is not None and not (MIN_IN_PERSON_SHARE <= in_person_share <= Decimal("1")):
        raise DomainError(_("At least 30 percent of the sampled re-visits are made in person."), code="in_person_share")
    row = CallbackSettings.objects.select_for_update().get(pk=callback_settings_for(site).pk)
    row.sampling_share = sampling_share
    if in_person_share is not None:
        row.in_person_share = in_person_share
    if director_visits is not None:
        row.director_visits = director_visits
    if zone_manager_visits is not None:
        row.zone_manager_visits = zone_manager_visits
    history_note(row, user=actor)
    row.save()
    return row


def sample_size(n: int, share: Decimal) -> int:
    """At least the share (rounded up): 10% of 25 → 3."""
    return min(n, math.ceil(Decimal(n) * share)) if n else 0


@transaction.atomic
def sampling_draw(*, site: Any, period_start: date, period_end: date, candidates: list[tuple[Any, Any, Any]],
                  share: Decimal | None = None, now: datetime | None = None, actor: User | None = None) -> SamplingDraw:
    """Draw `share` of the closed complaints `candidates` [(subject, unit, resident)] for a re-visit.

    Reproducible: candidates are put in a stable order and drawn with a seed stored on the draw
    (site code + period). At least 30% of the drawn (rounded up) are flagged in person with signature.
    Idempotent: a second call for the same site and period returns the first draw.
    """

    now = now or timezone.now()
    existing = SamplingDraw.objects.filter(site=site, period_start=period_start, period_end=period_end).first()
    if existing is not None:
        return existing
    settings_row = callback_settings_for(site)
    share = Decimal(str(share)) if share is not None else settings_row.sampling_share
    in_person_share = max(settings_row.in_person_share, MIN_IN_PERSON_SHARE)
    seed = f"{site.code}:{period_start:%Y-%m-%d}:{period_end:%Y-%m-%d}"

    def key(c: tuple[Any, Any, Any]) -> tuple[str, int]:
        ct = ContentType.objects.get_for_model(c[0], for_concrete_model=True)
        return (f"{ct.app_label}.{ct.model}", c[0].pk)

    ordered = sorted(candidates, key=key)
    n = sample_size(len(ordered), share)
    drawn = random.Random(seed).sample(ordered, n)
    in_person = math.ceil(Decimal(n) * in_person_share) if n else 0
    draw = SamplingDraw.objects.create(site=site, period_start=period_start, period_end=period_end, share=share,
                                       in_person_share=in_person_share, seed=seed, candidates=len(ordered),
                                       drawn=n, in_person=in_person)
    for i, (subject, unit, resident) in enumerate(drawn):
        cb = callback_request(subject=subject, site_id=site.pk, kind=Callback.Kind.SAMPLING,
                              policy_code="callback.sampling", now=now, actor=actor, unit=unit, resident=resident)
        cb.sampling_draw = draw
        cb.in_person_required = i < in_person
        cb.save(update_fields=["sampling_draw", "in_person_required", "updated_at"])
    return draw
