"""The inbox without the flood (issue 20.6): notices of one kind are one line ("13 × 超时：工程维修跟进"),
read in bulk, and what is still unread from earlier days goes into one daily digest notice; the bell
counts what needs action — escalations to acknowledge and the lines of today's unread notices, not rows.

A *group* is the unread notices of one recipient with the same kind, subject type and clock (the
deadline's policy code): every overdue follow-up of the engineering department is one group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from core.models import DeadlinePolicy, Notification
from core.notifications import notification_queue

# this many unread notices of one kind make one line; fewer are listed one by one
GROUP_MIN = 3


@dataclass(frozen=True)
class Group:
    key: str  # "<kind>.<subject type id or 0>.<policy code or ->": the URL parameter of the group
    kind: str
    count: int
    latest: datetime
    label: str

    @property
    def url(self) -> str:
        return f"{reverse('core:inbox')}?group={self.key}"


def _unread(user: Any) -> QuerySet[Notification]:
    # escalations waiting for an acknowledgement are not grouped: each one is answered on its own
    return Notification.objects.filter(recipient=user, read_at__isnull=True).exclude(
        requires_ack=True, acknowledged_at__isnull=True)


def group_key(kind: str, subject_type_id: int | None, code: str | None) -> str:
    return f"{kind}.{subject_type_id or 0}.{code or '-'}"


def group_filter(key: str) -> Q | None:
    """The notices of a group key (None for a malformed key: the caller shows everything)."""
    parts = (key or "").split(".", 2)
    if len(parts) != 3 or parts[0] not in Notification.Kind.values or not parts[1].isdigit():
        return None
    kind, ct, code = parts
    q = Q(kind=kind) & (Q(subject_type__isnull=True) if ct == "0" else Q(subject_type_id=int(ct)))
    return q & (Q(deadline__isnull=True) if code == "-" else Q(deadline__code=code))


def _policy_names(codes: set[str]) -> dict[str, str]:
    rows = DeadlinePolicy.objects.filter(code__in=codes, site__isnull=True).values_list("code", "name")
    return {code: gettext(name) for code, name in rows}


def _label(kind: str, count: int, model: Any, policy: str) -> str:
    if policy:
        if kind == Notification.Kind.ESCALATION:
            return ngettext("%(n)s escalation: %(rule)s", "%(n)s escalations: %(rule)s", count) % {
                "n": count, "rule": policy}
        return ngettext("%(n)s overdue: %(rule)s", "%(n)s overdue: %(rule)s", count) % {"n": count, "rule": policy}
    what = model._meta.verbose_name_plural if model is not None else gettext("other matters")
    return ngettext("%(n)s %(kind)s notice about %(what)s", "%(n)s %(kind)s notices about %(what)s", count) % {
        "n": count, "kind": Notification.Kind(kind).label, "what": what}


def inbox_groups(user: Any, *, before: datetime | None = None, min_size: int = GROUP_MIN) -> tuple[list[Group], Q]:
    """The user's unread notices of one kind counted together (most recent group first), and the filter
    of the notices left to list one by one. One aggregate query over the inbox index."""
    qs = _unread(user)
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    rows = list(qs.values("kind", "subject_type_id", "deadline__code")
                .annotate(n=Count("id"), latest=Max("created_at")).order_by("-latest"))
    big = [r for r in rows if r["n"] >= min_size]
    names = _policy_names({r["deadline__code"] for r in big if r["deadline__code"]})
    groups, rest = [], Q()
    for r in big:
        ct = r["subject_type_id"]
        model = ContentType.objects.get_for_id(ct).model_class() if ct else None
        code = r["deadline__code"]
        key = group_key(r["kind"], ct, code)
        groups.append(Group(key=key, kind=r["kind"], count=r["n"], latest=r["latest"],
                            label=_label(r["kind"], r["n"], model, names.get(code, code) if code else "")))
        rest &= ~(group_filter(key) or Q())
    return groups, rest


def inbox_needs_action(user: Any) -> dict[str, int]:
    """The bell: escalations awaiting acknowledgement, and the lines of the inbox that are unread (a group
    of 13 overdue follow-ups is one line) — never the raw number of rows."""
    groups, rest = inbox_groups(user)
    singles = _unread(user).filter(rest).count() if groups else _unread(user).count()
    awaiting = Notification.objects.filter(recipient=user, requires_ack=True, acknowledged_at__isnull=True).count()
    return {"lines": len(groups) + singles, "unread": singles + sum(g.count for g in groups), "awaiting": awaiting}


def notification_mark_read_many(*, user: Any, ids: list[int] | None = None, group: str = "",
                                now: datetime | None = None) -> int:
    """Bulk read: the chosen notices, or every unread notice of a group. Only the user's own; escalations
    still awaiting acknowledgement stay unread (they are answered one by one)."""
    qs = _unread(user)
    if group:
        q = group_filter(group)
        if q is None:
            return 0
        qs = qs.filter(q)
    elif ids is not None:
        qs = qs.filter(pk__in=[i for i in ids if isinstance(i, int)])
    else:
        return 0
    return qs.update(read_at=now or timezone.now())


def _day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), local.tzinfo)


@transaction.atomic
def notification_digest_build(*, now: datetime | None = None) -> int:
    """The daily notice digest (once a day, see propserv/schedule.py): for each user, the notices still
    unread from before today become one digest notice listing their groups (one email instead of many),
    and are marked read. Escalations awaiting acknowledgement stay as they are. Returns digests written;
    running it twice the same day writes nothing more (dedupe key per user and day)."""
    now = now or timezone.now()
    start = _day_start(now)
    day = f"{timezone.localtime(now):%Y-%m-%d}"
    users = (Notification.objects.filter(read_at__isnull=True, created_at__lt=start)
             .exclude(requires_ack=True, acknowledged_at__isnull=True).exclude(kind=Notification.Kind.DIGEST)
             .values_list("recipient", flat=True).distinct())
    written = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in get_user_model().objects.filter(pk__in=list(users), is_active=True).order_by("pk"):
            groups, rest = inbox_groups(user, before=start, min_size=1)
            old = _unread(user).filter(created_at__lt=start).exclude(kind=Notification.Kind.DIGEST)
            total = sum(g.count for g in groups)
            if not total:
                continue
            title = ngettext("Daily digest %(day)s: %(n)s notice you have not read",
                             "Daily digest %(day)s: %(n)s notices you have not read", total) % {"day": day, "n": total}
            body = "\n".join(g.label for g in groups)
            created = notification_queue(recipients=[user], title=title, body=body,
                                         url=f"{reverse('core:inbox')}?before={start:%Y-%m-%d}",
                                         kind=Notification.Kind.DIGEST, dedupe_key=f"digest:{day}")
            if created:
                old.update(read_at=now)
                written += 1
    return written


def digest_before(value: str | None) -> datetime | None:
    """`?before=2026-12-01` of a digest's link: the day it summarised (None when absent or malformed)."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))
