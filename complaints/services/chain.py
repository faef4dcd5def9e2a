"""C-05/C-06 the emergency chain as decisions, reclassification and escalation by hand.

An emergency or major complaint starts the chain at receipt, or when it is reclassified as one. The site
head (site director, or the service-center head standing in) decides within `complaint.emergency.company`:
"resolvable on site" (the chain stops, the site keeps its clocks) or "escalate now". With no decision the
sweep escalates (safe default) and says so. The company leader likewise decides within
`complaint.emergency.executive` from his notice. Any level may escalate one level by hand with a reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import permissions as perm
from complaints.models import ChainDecision, Complaint, ComplaintEvent, Level, Severity
from complaints.services._common import E, _department_people, _lock, _save
from complaints.services.escalation import complaint_escalate, escalation_recipients
from core.deadlines import deadline_cancel, deadline_start, deadline_stop, policy_limit
from core.errors import DomainError
from core.models import Deadline
from core.notifications import notification_queue
from core.roles import Role
from core.service_kit import as_user, require
from estates.actors import Actor
from estates.selectors import users_with_roles

D = ChainDecision.Decision
CHAIN_CLOCKS = ["complaint.emergency.notify", "complaint.emergency.company", "complaint.emergency.executive"]
# who decides at each step of the chain (C-05), and the level the chain climbs to next
SITE_HEAD_ROLES = [Role.SITE_DIRECTOR, Role.CENTER_HEAD]
DECIDING = {Level.SITE_DIRECTOR: ("complaint.emergency.company", Level.COMPANY_LEADER),
            Level.COMPANY_LEADER: ("complaint.emergency.executive", Level.EXECUTIVE)}


def chain_start(c: Complaint, *, now: datetime, at: datetime | None = None) -> None:
    """C-05: the chain's clocks from `at` (receipt, or the reclassification); the site head is alerted and
    the matter starts at the site director (C-06). The caller holds the row lock and saves `c`."""
    at = at or now
    c.chain_started_at = at
    if c.dept_notified_at is None and c.status == Complaint.Status.DISPATCHED and c.department_id:
        c.dept_notified_at = now  # already with its department: tell it the matter is now urgent
        notification_queue(recipients=_department_people(c), title=_("EMERGENCY complaint %s") % c.number,
                           body=c.subject, url=c.get_absolute_url(), kind="alert", site_id=c.site_id, subject=c,
                           requires_ack=True, dedupe_key=f"complaint:{c.pk}:chain-dept:{at:%Y%m%d%H%M%S}")
    if c.dept_notified_at is None:
        deadline_start(subject=c, code="complaint.emergency.notify", now=at, site_id=c.site_id)
    deadline_start(subject=c, code="complaint.emergency.company", now=at, site_id=c.site_id)


def chain_alert(c: Complaint, *, now: datetime) -> None:
    """The alert that opens the chain (after the number is taken: it quotes it)."""
    notification_queue(recipients=users_with_roles(site_id=c.site_id, roles=[Role.FRONT_DESK, *SITE_HEAD_ROLES]),
                       title=_("EMERGENCY complaint %s") % c.number, body=c.subject, url=c.get_absolute_url(),
                       kind="alert", site_id=c.site_id, subject=c,
                       dedupe_key=f"complaint:{c.pk}:emergency:{c.chain_started_at:%Y%m%d%H%M%S}")
    complaint_escalate(complaint=c, level=Level.SITE_DIRECTOR, now=now,
                       reason=_("Emergency or major complaint: the site head decides"))


def chain_active(c: Complaint) -> bool:
    return bool(c.in_chain and c.chain_started_at and c.is_open and not c.resolved_at)


def deciding_level(c: Complaint) -> int | None:
    """The level whose decision the chain waits for now, or None."""
    if not chain_active(c) or c.chain_started_at is None:
        return None
    done = set(ChainDecision.objects.filter(complaint=c, chain_started_at=c.chain_started_at)
               .values_list("level", flat=True))
    if c.company_notified_at is None:
        return None if Level.SITE_DIRECTOR in done else Level.SITE_DIRECTOR
    if c.executive_notified_at is None:
        return None if Level.COMPANY_LEADER in done else Level.COMPANY_LEADER
    return None


def _decision(c: Complaint, *, level: int, decision: str, now: datetime, reason: str = "",
              user: Any = None) -> ChainDecision | None:
    try:
        with transaction.atomic():
            return ChainDecision.objects.create(complaint=c, level=level, chain_started_at=c.chain_started_at or now,
                                                decision=decision, reason=reason[:200], by=user, at=now)
    except IntegrityError:  # already decided for this chain (a second click, or the sweep after a decision)
        return None


def _to_company(c: Complaint, *, now: datetime, reason: str, actor: User | None = None, deadline: Deadline | None = None
                ) -> None:
    """The company leader is notified: his written report (24 h) and his own decision clock start."""
    c.company_notified_at = now
    c.was_late = True  # timeliness: the emergency needed the company leader
    _save(c, "company_notified_at", "was_late")
    deadline_stop(subject=c, code="complaint.emergency.company", now=now)
    complaint_escalate(complaint=c, level=Level.COMPANY_LEADER, now=now, deadline=deadline, reason=reason,
                       actor=actor)
    deadline_start(subject=c, code="complaint.emergency.report24", now=now, site_id=c.site_id)
    deadline_start(subject=c, code="complaint.emergency.executive", now=now, site_id=c.site_id)


def _to_executive(c: Complaint, *, now: datetime, reason: str, actor: User | None = None,
                  deadline: Deadline | None = None) -> None:
    c.executive_notified_at = now
    _save(c, "executive_notified_at")
    deadline_stop(subject=c, code="complaint.emergency.executive", now=now)
    complaint_escalate(complaint=c, level=Level.EXECUTIVE, now=now, deadline=deadline, reason=reason, actor=actor)
    deadline_start(subject=c, code="complaint.emergency.report48", now=now, site_id=c.site_id)


@transaction.atomic
def complaint_chain_decide(*, complaint: Complaint, actor: Actor | None, decision: str, reason: str = "",
                           now: datetime | None = None) -> ChainDecision:
    """C-05: the deciding level records "resolvable here" (the chain stops) or "escalate now"."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    waiting = deciding_level(c)
    require(waiting is not None, _("No emergency decision is waiting on this complaint."), "state")
    level = int(waiting or 0)
    require(perm.can_decide_chain(user, c, level), _("This decision belongs to the %(role)s.")
            % {"role": Level(level).label})
    if decision not in (D.RESOLVABLE, D.ESCALATE):
        raise DomainError(_("Choose a decision."), code="decision")
    if decision == D.ESCALATE and not (reason or "").strip():
        raise DomainError(_("Say why it must go up."), code="reason")
    row = _decision(c, level=level, decision=decision, now=now, reason=(reason or "").strip(), user=user)
    require(row is not None, _("This level has already decided."), "state")
    assert row is not None
    code, up = DECIDING[Level(level)]
    ComplaintEvent.record(c, actor=user, kind=E.DECIDED, note=row.reason, at=now,
                          data={"level": level, "decision": decision})
    if decision == D.RESOLVABLE:
        deadline_stop(subject=c, code=code, now=now)
        return row
    (_to_company if up == Level.COMPANY_LEADER else _to_executive)(c, now=now, reason=row.reason, actor=user)
    return row


def chain_timeout(*, complaint: Complaint, deadline: Deadline, now: datetime) -> None:
    """The sweep: nobody decided in time → escalate (safe default) and say so, in the history and to the
    level that did not decide. Runs once per breach inside the sweep's transaction."""
    c = complaint
    level = Level.SITE_DIRECTOR if deadline.code == "complaint.emergency.company" else Level.COMPANY_LEADER
    if not chain_active(c) or deciding_level(c) != level:
        return
    limit = policy_limit(deadline.code, c.site_id)
    if level == Level.SITE_DIRECTOR:
        reason = _("No decision by the site head within %(limit)s: escalated by the system") % {"limit": limit}
    else:
        reason = _("No decision by the company leader within %(limit)s: escalated by the system") % {"limit": limit}
    _decision(c, level=level, decision=D.AUTOMATIC, now=now, reason=reason)
    ComplaintEvent.record(c, kind=E.DECIDED, note=reason, at=now,
                          data={"level": int(level), "decision": D.AUTOMATIC, "deadline": deadline.code})
    silent = escalation_recipients(c, level)
    notification_queue(recipients=silent, title=_("%s was escalated by the system") % c.number, body=reason,
                       url=c.get_absolute_url(), kind="alert", site_id=c.site_id, subject=c,
                       dedupe_key=f"deadline:{deadline.pk}:timeout")
    (_to_company if level == Level.SITE_DIRECTOR else _to_executive)(c, now=now, reason=reason, deadline=deadline)


@transaction.atomic
def complaint_escalate_by_hand(*, complaint: Complaint, actor: Actor | None, reason: str, now: datetime | None = None
                               ) -> Complaint:
    """C-06: any level may escalate one level up at any time, with a reason. In the emergency chain this is
    the deciding level's "escalate now" (the next level's clocks start as they would)."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_escalate(user, c), _("You cannot escalate this complaint."))
    require(c.level < Level.EXECUTIVE, _("This complaint is already with the executive."), "state")
    if not (reason or "").strip():
        raise DomainError(_("Say why it must go up."), code="reason")
    reason = reason.strip()
    target = Level(c.level + 1)
    if target in (Level.COMPANY_LEADER, Level.EXECUTIVE) and chain_active(c):
        deciding = Level.SITE_DIRECTOR if target == Level.COMPANY_LEADER else Level.COMPANY_LEADER
        if _decision(c, level=deciding, decision=D.ESCALATE, now=now, reason=reason, user=user) is not None:
            ComplaintEvent.record(c, actor=user, kind=E.DECIDED, note=reason, at=now,
                                  data={"level": int(deciding), "decision": D.ESCALATE})
        (_to_company if target == Level.COMPANY_LEADER else _to_executive)(c, now=now, reason=reason, actor=user)
    else:
        complaint_escalate(complaint=c, level=target, reason=reason, now=now, actor=user)
    return c


@transaction.atomic
def complaint_reclassify(*, complaint: Complaint, actor: Actor | None, severity: str, reason: str,
                         now: datetime | None = None) -> Complaint:
    """C-02/C-05: the head changes the severity of an open complaint; raised to emergency or major, the
    chain starts now (not at receipt); lowered to normal, the chain's running clocks end."""
    now = now or timezone.now()
    c = _lock(complaint)
    user = as_user(actor)
    require(perm.can_confirm(user, c) and c.is_open and c.kind == Complaint.Kind.COMPLAINT,
            _("Only the service-center head changes the severity of an open complaint."))
    if severity not in Severity.values or severity == c.severity:
        raise DomainError(_("Choose a different severity."), code="severity")
    if not (reason or "").strip():
        raise DomainError(_("Say why the severity changes."), code="reason")
    was_in_chain, old = c.in_chain, c.severity
    c.severity = severity
    _save(c, "severity")
    ComplaintEvent.record(c, actor=user, kind=E.RECLASSIFIED, note=reason.strip(), at=now,
                          data={"changes": {"severity": [old, severity]}})
    if c.in_chain and not was_in_chain:
        chain_start(c, now=now)
        _save(c, "chain_started_at", "dept_notified_at")
        chain_alert(c, now=now)
    elif not c.in_chain and was_in_chain:
        deadline_cancel(subject=c, code=CHAIN_CLOCKS, now=now, reason="reclassified")
    return c
