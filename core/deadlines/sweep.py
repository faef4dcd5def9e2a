"""The breach sweep: due clocks claimed in batches, the policy's notices written in bulk (fanned out
in the worker when large), the handlers run, repeating clocks re-armed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from core.deadlines.clocks import _handlers, compute_due, log, policy_for, work_calendar
from core.errors import DomainError
from core.models import Deadline, DeadlinePolicy, NoticeFanout, Notification
from core.notifications import ENQUEUE_RETRY_POLICY, enqueue_delivery_on_commit
from core.tasks import notice_fanout_task


def _translated(text: str) -> str:
    return gettext(text) if text else ""


def _attach_subjects(deadlines: list[Deadline]) -> None:
    """Fetch the guarded objects with one query per content type (not one per deadline)."""
    field = Deadline._meta.get_field("subject")
    by_type: dict[int, set[int]] = defaultdict(set)
    for d in deadlines:
        by_type[d.subject_type_id].add(d.subject_id)
    found: dict[tuple[int, int], Any] = {}
    for ct_id, ids in by_type.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for pk, obj in model._base_manager.in_bulk(list(ids)).items():
            found[(ct_id, pk)] = obj
    for d in deadlines:
        field.set_cached_value(d, found.get((d.subject_type_id, d.subject_id)))


_NOTE_COLUMNS = ("recipient_id", "site_id", "kind", "title", "body", "url", "subject_type_id", "subject_id",
                 "deadline_id", "dedupe_key", "created_at", "requires_ack", "send_email")


def _breach_notifications(deadlines: list[Deadline], now: datetime | None = None) -> list[tuple]:
    """The generic breach action: one notice per holder of the policy's roles at the site.

    Role holders are resolved once per (site, roles) per batch. Returns rows as tuples in
    `_NOTE_COLUMNS` order; each carries the dedupe key `deadline:<id>:breach`.
    """
    resolve = import_string(settings.PROPSERV_ROLE_RESOLVER)
    recipients: dict[tuple[int, tuple[str, ...]], list[tuple[int, bool]]] = {}
    names: dict[int, str] = {}
    rows: list[tuple] = []
    created = now or timezone.now()
    tz = timezone.get_current_timezone()
    with translation.override(settings.LANGUAGE_CODE):
        t_subject = gettext("Overdue: %(rule)s — %(subject)s")
        t_plain = gettext("Overdue: %(rule)s")
        t_escalate = gettext("Escalation (level %(level)s): %(title)s")
        t_body = gettext("%(rule)s: due %(due)s.")  # the rule by its name, never its code (issue 20.1)
        for d in deadlines:
            roles = tuple(sorted(d.policy.roles))
            if not roles or d.site_id is None:
                continue
            key = (d.site_id, roles)
            if key not in recipients:
                recipients[key] = [(u.pk, bool(u.email)) for u in resolve(site_id=d.site_id, roles=list(roles))
                                   .only("pk", "email")]
            if not recipients[key]:
                continue
            subject = d.subject
            escalate = d.policy.action == DeadlinePolicy.Action.ESCALATE
            if d.policy_id not in names:
                names[d.policy_id] = _translated(d.policy.name)
            name = names[d.policy_id]
            title = (t_subject % {"rule": name, "subject": subject} if subject is not None
                     else t_plain % {"rule": name})
            if escalate:
                title = t_escalate % {"level": d.level, "title": title}
            body = t_body % {"rule": name, "due": d.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")}
            url = ""
            if subject is not None and hasattr(subject, "get_absolute_url"):
                try:
                    url = subject.get_absolute_url()
                except Exception:  # a subject without a page
                    url = ""
            kind = Notification.Kind.ESCALATION.value if escalate else Notification.Kind.ALERT.value
            dedupe = f"deadline:{d.pk}:breach"
            # issue 20.6: a routine follow-up reminder is not mailed one by one; it waits in the inbox
            # (grouped) and what is left unread goes out in the next morning's digest (core/inbox.py)
            routine = d.policy.action == DeadlinePolicy.Action.FOLLOWUP
            for user_id, has_email in recipients[key]:
                rows.append((user_id, d.site_id, kind, title[:200], body, url[:300], d.subject_type_id,
                             d.subject_id, d.pk, dedupe, created, escalate, has_email and not routine))
    return rows


def _insert_notifications(rows: list[tuple]) -> list[int]:
    """Insert the breach notices, skipping any that exist (unique dedupe key + recipient).

    PostgreSQL: one INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING per batch (no
    model instances); other databases: bulk_create(ignore_conflicts=True). Returns the ids of the new
    rows that still need an email.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [Notification(**dict(zip(_NOTE_COLUMNS, r, strict=True))) for r in rows],
            ignore_conflicts=True, batch_size=500)
        deadline_ids = sorted({r[8] for r in rows})
        return list(Notification.objects.filter(deadline_id__in=deadline_ids, send_email=True,
                                               email_sent_at__isnull=True).values_list("pk", flat=True))
    types = ("bigint", "bigint", "text", "text", "text", "text", "bigint", "bigint", "bigint", "text",
             "timestamptz", "boolean", "boolean")
    columns = list(zip(*rows, strict=True))
    table = Notification._meta.db_table
    unnest = ", ".join(f"%s::{t}[]" for t in types)
    sql = (f'INSERT INTO "{table}" ({", ".join(_NOTE_COLUMNS)}, email_attempts, email_error) '  # noqa: S608
           f"SELECT *, 0, '' FROM unnest({unnest}) "  # constants only; the values are parameters
           "ON CONFLICT DO NOTHING RETURNING id, send_email")
    with connection.cursor() as cur:
        cur.execute(sql, [list(c) for c in columns])
        return [pk for pk, email in cur.fetchall() if email]


def _rearm(deadlines: list[Deadline], now: datetime) -> list[Deadline]:
    """Repeating policies start again from the old due time (not from the late sweep's clock).

    If the sweep was down for several periods the next due time is moved past `now`, so one
    reminder covers the missed periods instead of a burst.
    """
    new: list[Deadline] = []
    cal = work_calendar()
    for d in deadlines:
        if not d.policy.repeat:
            continue
        try:
            policy = policy_for(d.code, d.site_id)
            start = d.due_at
            due = compute_due(policy, start, site_id=d.site_id, cal=cal)
            for _ in range(1000):
                if due > now or due <= start:
                    break
                start, due = due, compute_due(policy, due, site_id=d.site_id, cal=cal)
            if due <= d.due_at:
                continue
        except DomainError:
            log.warning("cannot re-arm %s for deadline %s", d.code, d.pk)
            continue
        new.append(Deadline(policy=policy, code=d.code, site_id=d.site_id, subject_type_id=d.subject_type_id,
                            subject_id=d.subject_id, started_at=start, due_at=due, level=d.level, data=d.data,
                            note="re-armed"))
    if new:
        # a handler that already started the same clock wins (deadline_one_running)
        Deadline.objects.bulk_create(new, ignore_conflicts=True)
    return new


def breach_action_run(*, deadline: Deadline, now: datetime) -> None:
    """Generic action of one already-marked deadline (kept for callers; the sweep runs it in bulk)."""
    _attach_subjects([deadline])
    for handler in _handlers.get(deadline.code, []):
        handler(deadline, now)
    _deliver_after_commit(_insert_notifications(_breach_notifications([deadline], now)))
    _rearm([deadline], now)


def _deliver_after_commit(notification_ids: list[int]) -> None:

    enqueue_delivery_on_commit(notification_ids)


_CLAIM_FIELDS = ("id", "policy_id", "code", "site_id", "subject_type_id", "subject_id", "started_at", "due_at",
                 "state", "stopped_at", "breached_at", "level", "note", "data")


def _claim_postgresql(now: datetime, batch: int, skip: set[int]) -> list[Deadline]:
    """One statement: lock the due rows (SKIP LOCKED, via the partial index) and mark them breached,
    raising the level of escalating policies; RETURNING gives the rows without a second pass."""
    d, p = Deadline._meta.db_table, DeadlinePolicy._meta.db_table
    cols = ", ".join(f"d.{c}" for c in _CLAIM_FIELDS)
    # the locking SELECT is a MATERIALIZED CTE: evaluated exactly once, whatever plan is chosen
    sql = (f'WITH due AS MATERIALIZED (SELECT id FROM "{d}" WHERE state = %s AND due_at <= %s '  # noqa: S608
           f"AND NOT (id = ANY(%s::bigint[])) ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED) "
           f'UPDATE "{d}" d SET state = %s, breached_at = %s, '
           f"level = d.level + CASE WHEN p.action = %s THEN 1 ELSE 0 END "
           f'FROM due, "{p}" p WHERE d.id = due.id AND p.id = d.policy_id RETURNING {cols}')
    params: list[Any] = [Deadline.State.RUNNING.value, now, sorted(skip), batch,
              Deadline.State.BREACHED.value, now, DeadlinePolicy.Action.ESCALATE.value]
    data_field = Deadline._meta.get_field("data")
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    out = []
    for row in rows:
        values = list(row)
        # django-stubs wants an Expression; Django itself passes none when a value is read outside a query
        values[-1] = data_field.from_db_value(values[-1], None, connection)  # type: ignore[arg-type]
        out.append(Deadline.from_db(connection.alias, list(_CLAIM_FIELDS), values))
    policies = DeadlinePolicy.objects.in_bulk({x.policy_id for x in out})
    for x in out:
        x.policy = policies[x.policy_id]
    out.sort(key=lambda x: x.due_at)
    return out


def _claim(now: datetime, batch: int, skip: set[int]) -> list[Deadline]:
    """Lock and mark the next due batch (inside the caller's transaction)."""
    if connection.vendor == "postgresql":
        return _claim_postgresql(now, batch, skip)
    qs = (Deadline.objects.select_for_update(skip_locked=True, of=("self",))
          .filter(state=Deadline.State.RUNNING, due_at__lte=now))
    if skip:
        qs = qs.exclude(pk__in=skip)
    due = list(qs.select_related("policy").order_by("due_at")[:batch])
    if not due:
        return due
    escalate = [d.pk for d in due if d.policy.action == DeadlinePolicy.Action.ESCALATE]
    Deadline.objects.filter(pk__in=[d.pk for d in due]).update(state=Deadline.State.BREACHED, breached_at=now)
    if escalate:
        Deadline.objects.filter(pk__in=escalate).update(level=F("level") + 1)
    for d in due:
        d.state, d.breached_at = Deadline.State.BREACHED, now
        if d.policy.action == DeadlinePolicy.Action.ESCALATE:
            d.level += 1
    return due


def _breach_batch(due: list[Deadline], now: datetime) -> set[int]:
    """Run the actions of a marked batch; returns ids whose app handler failed (put back to
    running, retried by the next sweep)."""
    _attach_subjects([d for d in due if d.code in _handlers])
    failed: set[int] = set()
    for d in due:
        handlers = _handlers.get(d.code)
        if not handlers:
            continue
        try:
            with transaction.atomic():  # savepoint: a failing handler undoes only its own work
                for handler in handlers:
                    handler(d, now)
        except Exception:
            log.exception("breach handler for %s (deadline %s) failed; retried by the next sweep", d.code, d.pk)
            failed.add(d.pk)
    ok = [d for d in due if d.pk not in failed]
    if failed:
        back = [d for d in due if d.pk in failed]
        Deadline.objects.filter(pk__in=[d.pk for d in back]).update(state=Deadline.State.RUNNING, breached_at=None)
        for d in back:
            if d.policy.action == DeadlinePolicy.Action.ESCALATE:
                Deadline.objects.filter(pk=d.pk).update(level=F("level") - 1)
    _notify(ok, now)
    _rearm(ok, now)
    return failed


def _notify(deadlines: list[Deadline], now: datetime) -> None:
    """The generic breach notices of a batch, in the batch's transaction.

    Up to PROPSERV_SWEEP_INLINE_NOTICES breaches: one notice per role holder, written here. More
    (a backlog after an outage, a mass deadline): one `NoticeFanout` row naming the breaches,
    turned into the same notices right after commit (`notice_fanout_run`), so the locking
    transaction stays short (bench/deadlines.py).
    """
    notifying = [d for d in deadlines if d.policy.roles and d.site_id is not None]
    if not notifying:
        return
    if len(notifying) <= settings.PROPSERV_SWEEP_INLINE_NOTICES:
        field = Deadline._meta.get_field("subject")
        _attach_subjects([d for d in notifying if not field.is_cached(d)])
        _deliver_after_commit(_insert_notifications(_breach_notifications(notifying, now)))
        return
    fanout = NoticeFanout.objects.create(created_at=now, breached_at=now, deadline_ids=[d.pk for d in notifying])
    transaction.on_commit(lambda: _enqueue_fanout(fanout.pk))


def _enqueue_fanout(fanout_id: int) -> None:

    try:
        notice_fanout_task.apply_async(args=[fanout_id], retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
    except Exception:  # broker down: the row stays pending, the resend job fans it out (outbox)
        log.warning("broker unavailable; notice fan-out %s stays pending", fanout_id, exc_info=True)


def notice_fanout_run(*, fanout_id: int) -> int:
    """Write the per-user notices of one pending fan-out row; returns how many breaches it covered.

    Locked with SKIP LOCKED and marked done in the same transaction as the notices; the notices'
    unique key (`deadline:<id>:breach`, recipient) makes a repeated run add nothing.
    """
    with transaction.atomic():
        fanout = (NoticeFanout.objects.select_for_update(skip_locked=True)
                  .filter(pk=fanout_id, done_at__isnull=True).first())
        if fanout is None:
            return 0
        deadlines = list(Deadline.objects.select_related("policy").filter(pk__in=fanout.deadline_ids)
                         .order_by("due_at"))
        _attach_subjects(deadlines)
        _deliver_after_commit(_insert_notifications(_breach_notifications(deadlines, fanout.breached_at)))
        fanout.done_at = timezone.now()
        fanout.attempts += 1
        fanout.save(update_fields=["done_at", "attempts"])
        return len(deadlines)


def notice_fanout_pending(*, now: datetime | None = None, older_than: timedelta = timedelta(seconds=30),
                          limit: int = 20) -> int:
    """Run the fan-outs whose after-commit task was lost (broker down, worker killed)."""
    now = now or timezone.now()
    ids = list(NoticeFanout.objects.filter(done_at__isnull=True, created_at__lte=now - older_than)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(notice_fanout_run(fanout_id=pk) for pk in ids)


def deadline_breach_due(*, now: datetime | None = None, batch: int = 2000) -> int:
    """SPEC X-04: mark due clocks breached and run each breach action exactly once.

    Each batch is one transaction: `FOR UPDATE SKIP LOCKED` over the partial index
    `deadline_running_due` and the marking in one statement (`UPDATE … WHERE id IN (SELECT … FOR
    UPDATE SKIP LOCKED) RETURNING` on PostgreSQL), the apps' handlers (each once, in a
    savepoint), the notifications (bulk insert, deduplicated by a unique key) and the re-armed
    clocks. Concurrent sweeps split the rows; a sweep killed halfway rolls back and leaves its rows
    running for the next one; a committed breach is never picked again. Returns how many breached.
    """
    now = now or timezone.now()
    handled = 0
    skip: set[int] = set()
    while True:
        with transaction.atomic():
            due = _claim(now, batch, skip)
            if not due:
                return handled
            failed = _breach_batch(due, now)
            skip |= failed
            handled += len(due) - len(failed)
        if len(due) < batch:
            return handled


def deadline_sweep_explain(*, now: datetime | None = None, batch: int = 2000) -> str:
    """The sweep's query plan (benchmark and docs)."""
    now = now or timezone.now()
    qs = (Deadline.objects.filter(state=Deadline.State.RUNNING, due_at__lte=now)
          .select_related("policy").order_by("due_at")[:batch])
    return qs.explain()
