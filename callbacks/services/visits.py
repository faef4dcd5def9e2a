"""SPEC CB-04: routine visits — monthly plans and visit records."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import CallbackAttempt, Method, Result, Visit, VisitPlan
from callbacks.permissions import can_record_visit
from callbacks.services.promised import promised_reply_create
from callbacks.services.sampling import callback_settings_for
from core.deadlines import deadline_start, deadline_stop
from core.errors import DomainError
from core.roles import Role
from estates.models import Unit, Zone


def month_start(d: date | datetime) -> date:
    if isinstance(d, datetime):
        d = timezone.localtime(d).date()
    return d.replace(day=1)


def _stable_key(seed: str, unit_id: int) -> str:
    """Reproducible tie-break: the same site and month always give the same order."""
    return hashlib.sha256(f"{seed}:{unit_id}".encode()).hexdigest()


def last_visits(*, site_id: int) -> dict[int, datetime]:
    """Last on-site contact per unit: routine visits and on-site callbacks."""
    last: dict[int, datetime] = {}
    for row in (Visit.objects.filter(site_id=site_id, visited_at__isnull=False)
                .values("unit_id").annotate(last=Max("visited_at"))):
        last[row["unit_id"]] = row["last"]
    for attempt in (CallbackAttempt.objects.filter(callback__site_id=site_id, method=Method.VISIT,
                                               callback__unit__isnull=False)
                .exclude(result=Result.UNREACHABLE)
                .values("callback__unit_id").annotate(last=Max("at"))):
        uid, at = attempt["callback__unit_id"], attempt["last"]
        if uid not in last or at > last[uid]:
            last[uid] = at
    return last


def rank_units(unit_ids: list[int], *, last: dict[int, datetime], seed: str) -> list[int]:
    """Never visited first, then the longest since the last visit; ties broken by a seeded hash."""
    floor = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return sorted(unit_ids, key=lambda uid: (uid in last, last.get(uid, floor), _stable_key(seed, uid)))


def _candidates(site_id: int, zone: Zone | None = None) -> list[int]:
    qs = Unit.objects.filter(site_id=site_id)
    if zone is not None:
        qs = qs.filter(building__zone=zone)
    occupied = qs.filter(occupancy=Unit.Occupancy.OCCUPIED)
    return list((occupied if occupied.exists() else qs).values_list("pk", flat=True))


@transaction.atomic
def visit_plan_generate(*, site: Any, month: date, now: datetime | None = None) -> list[VisitPlan]:
    """Create this month's plans for the site director (10) and each zone manager (15, own zone).

    Idempotent: a visitor who already has a plan this month keeps it. Households already in another
    plan of the month are not proposed twice.
    """

    now = now or timezone.now()
    month = month_start(month)
    settings_row = callback_settings_for(site)
    seed = f"{site.code}:{month:%Y-%m}"
    User = get_user_model()
    start = max(now, timezone.make_aware(datetime.combine(month, time(0, 0))))
    taken = set(Visit.objects.filter(plan__site=site, plan__month=month).values_list("unit_id", flat=True))
    last = last_visits(site_id=site.pk)
    wanted: list[tuple[Any, str, Zone | None, int]] = []
    director = (User.objects.filter(is_active=True, groups__name=Role.SITE_DIRECTOR, staff__site=site,
                                    staff__is_active=True).order_by("pk").first())
    if director is not None:
        wanted.append((director, VisitPlan.Role.SITE_DIRECTOR, None, settings_row.director_visits))
    for managed in Zone.objects.filter(site=site, manager__isnull=False, manager__is_active=True).select_related(
            "manager__user").order_by("pk"):
        if managed.manager is not None:  # filtered above; said again for the type checker
            wanted.append((managed.manager.user, VisitPlan.Role.ZONE_MANAGER, managed,
                           settings_row.zone_manager_visits))
    plans = []
    for visitor, role, zone, target in wanted:
        plan = VisitPlan.objects.filter(site=site, month=month, visitor=visitor).first()
        if plan is not None:
            plans.append(plan)
            continue
        plan = VisitPlan.objects.create(site=site, month=month, visitor=visitor, role=role, zone=zone,
                                        target=target, seed=seed)
        ranked = [uid for uid in rank_units(_candidates(site.pk, zone), last=last, seed=seed) if uid not in taken]
        chosen = ranked[:target]
        Visit.objects.bulk_create([Visit(plan=plan, site=site, unit_id=uid, position=i + 1)
                                   for i, uid in enumerate(chosen)])
        taken.update(chosen)
        deadline_start(subject=plan, code="visit.monthly", now=start, site_id=site.pk)
        plans.append(plan)
    return plans


@transaction.atomic
def visit_record(*, visit: Visit, actor: User, result: str, resident_name: str = "", comment: str = "",
                 signed_on_paper: bool = False, signer_name: str = "", signature: str = "",
                 question: str = "", reply_due_at: datetime | None = None,
                 now: datetime | None = None) -> Visit:
    """Record a routine visit with the resident's signature; an open question becomes a promised reply."""

    now = now or timezone.now()
    visit = Visit.objects.select_for_update().select_related("plan").get(pk=visit.pk)
    if not can_record_visit(actor, visit):
        raise DomainError(_("Only the planned visitor or a supervisor records this visit."), code="not_allowed")
    if visit.visited_at is not None:
        raise DomainError(_("This visit is already recorded."), code="done")
    if result not in Result.values or result == Result.UNREACHABLE:
        raise DomainError(_("Choose the resident's evaluation."), code="result")
    if not ((signed_on_paper and signer_name.strip()) or signature):
        raise DomainError(_("An on-site visit needs the resident's signature (signed on paper with the "
                            "signer's name, or drawn)."), code="signature_required")
    if question.strip() and reply_due_at is None:
        raise DomainError(_("Give the promised reply time for the open question."), code="reply_due")
    visit.visited_at = now
    visit.visited_by = actor
    visit.resident_name = resident_name.strip()[:60]
    visit.result = result
    visit.comment = comment
    visit.signed_on_paper = signed_on_paper
    visit.signer_name = signer_name.strip()[:60]
    visit.signature = signature
    visit.save()
    if question.strip():
        promised_reply_create(site_id=visit.site_id, question=question, due_at=reply_due_at, actor=actor,
                              visit=visit, unit=visit.unit, now=now)
    plan = visit.plan
    if not plan.visits.filter(visited_at__isnull=True).exists() or \
            plan.visits.filter(visited_at__isnull=False).count() >= plan.target:
        deadline_stop(subject=plan, code="visit.monthly", now=now)
    return visit
