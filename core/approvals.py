"""SPEC T-18: approvals and sign-offs given by the named role in their own login.

An app declares each approval it needs once, in its `approvals.py` (imported by its AppConfig.ready)::

    register(ApprovalKind(
        "ticket.extension", _("Deadline extension"), Role.CENTER_HEAD, clock="approval.ticket.extension",
        can_decide=permissions.is_center_head,          # who decides (asked here, never a picked name)
        can_request=permissions.can_front_desk,         # who asks, and who may record a paper approval
        on_decided=extension_decided))                  # the app's service applies the outcome

and asks for it with `approval_request(kind=…, subject=order, actor=user, summary=…)`. The request is
an inbox item for the role's holders at the site with a clock (policy table); the named role approves
or declines with a note in their own login (`approval_decide`), or the requester's side records that
it was given on paper with the signed form scanned (`approval_record_paper`: the scan is required,
the recorder is named, the signer must hold the role). Nothing is deleted: a request is withdrawn
with a reason (`approval_cancel`). Every step is an `ApprovalEvent` row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.deadlines import deadline_cancel, deadline_start, deadline_stop
from core.errors import DomainError
from core.models import ApprovalEvent, ApprovalRequest
from core.notifications import notification_queue
from core.roles import Role, is_company_level, user_roles
from core.scope import site_ids_visible_to
from core.service_kit import as_user, require
from core.uploads import IMAGE, PDF, check_file

Predicate = Callable[[Any, Any], bool]
S = ApprovalRequest.Status
E = ApprovalEvent.Kind


@dataclass(frozen=True)
class ApprovalKind:
    code: str
    label: Any  # lazy string
    # Role code of the person who decides (shown, and used to find the inbox recipients); "" = one named
    # person (a co-signer): `recipients` then finds them and `can_decide` recognises them
    role: str
    clock: str  # policy code of the decision clock (core/policies.py)
    can_decide: Predicate  # (user, subject) -> may this person decide?
    can_request: Predicate  # (user, subject) -> may ask, withdraw, or record a paper approval
    on_decided: Callable[[ApprovalRequest, bool, datetime], None]  # applies the outcome, same transaction
    # the requester may decide at once in their own login (a head who extends himself signs by asking)
    self_approve: bool = True
    recipients: Callable[[ApprovalRequest], Iterable[Any]] | None = None  # default: role holders at the site


_kinds: dict[str, ApprovalKind] = {}


def register(kind: ApprovalKind) -> ApprovalKind:
    _kinds[kind.code] = kind
    return kind


def kind_for(code: str) -> ApprovalKind:
    try:
        return _kinds[code]
    except KeyError:
        raise DomainError(f"Unknown approval kind {code!r}", code="approval_kind") from None


def kinds() -> dict[str, ApprovalKind]:
    return dict(_kinds)


def person_name(user: Any) -> str:
    """The person's name as the staff list spells it (never a login name on a page)."""
    staff = getattr(user, "staff", None)
    return getattr(staff, "name", "") or user.get_full_name() or user.username


def role_label(code: str) -> str:
    if not code:
        return _("the named person")
    try:
        return str(Role(code).label)
    except ValueError:
        return code


# ---- predicates (the pages, the generic views and the services ask the same)

def can_decide(user: Any, request: ApprovalRequest) -> bool:
    return request.is_pending and kind_for(request.kind).can_decide(user, request.subject)


def can_record_paper(user: Any, request: ApprovalRequest) -> bool:
    return request.is_pending and kind_for(request.kind).can_request(user, request.subject)


# ---- selectors

def approvals_visible_to(user: Any) -> QuerySet[ApprovalRequest]:
    qs = ApprovalRequest.objects.select_related("requested_by", "decided_by", "recorded_by", "site")
    if is_company_level(user):
        return qs
    return qs.filter(site_id__in=site_ids_visible_to(user))


def approvals_waiting_for(user: Any) -> list[ApprovalRequest]:
    """Pending requests this user may decide (their role at their site, and the kind's own rule)."""
    qs = approvals_visible_to(user).filter(status=S.PENDING)
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(Q(role__in=list(user_roles(user))) | Q(role=""))
    return [r for r in qs.order_by("requested_at", "id")[:200] if r.kind in _kinds and can_decide(user, r)]


def approvals_of(subject: Any) -> QuerySet[ApprovalRequest]:
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    return (ApprovalRequest.objects.filter(subject_type=ct, subject_id=subject.pk)
            .select_related("requested_by__staff", "decided_by__staff", "recorded_by__staff")
            .order_by("requested_at", "id"))


def labelled(rows: list[ApprovalRequest]) -> list[ApprovalRequest]:
    """Rows with `kind_label` and `role_label` for a page."""
    for r in rows:
        r.kind_label = _kinds[r.kind].label if r.kind in _kinds else r.kind  # type: ignore[attr-defined]
        r.role_label = role_label(r.role)  # type: ignore[attr-defined]
    return rows


def approval_pending(subject: Any, kind: str | Iterable[str]) -> ApprovalRequest | None:
    kinds_ = [kind] if isinstance(kind, str) else list(kind)
    return approvals_of(subject).filter(kind__in=kinds_, status=S.PENDING).first()


# ---- services

def _deciders(req: ApprovalRequest, spec: ApprovalKind) -> list[Any]:
    if spec.recipients is not None:
        people = list(spec.recipients(req))
    else:
        resolve = import_string(settings.PROPSERV_ROLE_RESOLVER)
        people = list(resolve(site_id=req.site_id, roles=[spec.role]))
    subject = req.subject
    return [u for u in people if spec.can_decide(u, subject)]


def _lock(req: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update(of=("self",)).get(pk=req.pk)


def _finish(req: ApprovalRequest, spec: ApprovalKind, *, approved: bool, now: datetime) -> None:
    """The clock stops, the app applies the outcome, the requester hears of it (same transaction)."""
    deadline_stop(subject=req, code=spec.clock, now=now)
    spec.on_decided(req, approved, now)
    if req.requested_by_id and req.requested_by_id != req.decided_by_id:
        title = (_("Approved: %(what)s") if approved else _("Declined: %(what)s")) % {"what": req.summary}
        notification_queue(recipients=[req.requested_by], title=title, body=req.note, url=req.get_absolute_url(),
                           site_id=req.site_id, subject=req, dedupe_key=f"approval:{req.pk}:decided")


@transaction.atomic
def approval_request(*, kind: str, subject: Any, actor: User | None, summary: str, reason: str = "",
                     data: dict | None = None, now: datetime | None = None) -> ApprovalRequest:
    """Ask the kind's role for a decision. If the asker may decide it (and the kind allows), it is
    approved at once in the asker's own login."""
    now = now or timezone.now()
    spec = kind_for(kind)
    user = as_user(actor)
    require(user is None or spec.can_request(user, subject) or spec.can_decide(user, subject),
            _("You may not ask for this approval."))
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=True)
    require(not ApprovalRequest.objects.filter(kind=kind, subject_type=ct, subject_id=subject.pk,
                                               status=S.PENDING).exists(),
            _("A request for this approval is already waiting for a decision."), "pending")
    req = ApprovalRequest.objects.create(site_id=subject.site_id, kind=kind, role=spec.role, subject_type=ct,
                                         subject_id=subject.pk, summary=summary[:300], reason=reason,
                                         data=data or {}, requested_by=user, requested_at=now)
    ApprovalEvent.record(req, actor=user, kind=E.REQUESTED, note=reason, at=now)
    if user is not None and spec.self_approve and spec.can_decide(user, subject):
        req.status, req.decided_by, req.decided_at = S.APPROVED, user, now
        req.save(update_fields=["status", "decided_by", "decided_at"])
        ApprovalEvent.record(req, actor=user, kind=E.APPROVED, at=now)
        spec.on_decided(req, True, now)
        return req
    deadline_start(subject=req, code=spec.clock, now=now, site_id=req.site_id)
    notification_queue(recipients=_deciders(req, spec),
                       title=_("Your approval is requested: %(what)s") % {"what": req.summary},
                       body=reason, url=req.get_absolute_url(), kind="reminder", site_id=req.site_id, subject=req,
                       dedupe_key=f"approval:{req.pk}:request")
    return req


@transaction.atomic
def approval_decide(*, request: ApprovalRequest, actor: User | None, approve: bool, note: str = "",
                    now: datetime | None = None) -> ApprovalRequest:
    """The named role decides in their own login; a decline needs a note."""
    now = now or timezone.now()
    user = as_user(actor)
    req = _lock(request)
    spec = kind_for(req.kind)
    require(req.is_pending, _("This request has been decided already."), "bad_state")
    require(user is not None and spec.can_decide(user, req.subject),
            _("Only the %(role)s decides this, in their own login.") % {"role": role_label(spec.role)})
    require(approve or bool(note.strip()), _("Say why it is declined."), "note")
    req.status = S.APPROVED if approve else S.DECLINED
    req.decided_by, req.decided_at, req.note = user, now, note.strip()
    req.save(update_fields=["status", "decided_by", "decided_at", "note"])
    ApprovalEvent.record(req, actor=user, kind=E.APPROVED if approve else E.DECLINED, note=req.note, at=now)
    _finish(req, spec, approved=approve, now=now)
    return req


@transaction.atomic
def approval_record_paper(*, request: ApprovalRequest, actor: User | None, signer: Any, scan: Any,
                          signed_at: datetime | None = None, note: str = "",
                          now: datetime | None = None) -> ApprovalRequest:
    """The approval was signed on paper: the scan of the signed form is attached (checked by content),
    the signer must hold the role, the recorder is the actor and is named in the history."""
    now = now or timezone.now()
    user = as_user(actor)
    signer = as_user(signer)
    req = _lock(request)
    spec = kind_for(req.kind)
    require(req.is_pending, _("This request has been decided already."), "bad_state")
    require(user is not None and (spec.can_request(user, req.subject) or spec.can_decide(user, req.subject)),
            _("You may not record this approval."))
    require(signer is not None and spec.can_decide(signer, req.subject),
            _("The person who signed must be the %(role)s of this site.") % {"role": role_label(spec.role)}, "signer")
    require(scan is not None and bool(getattr(scan, "size", 1)),
            _("Attach the scan or photo of the signed form."), "scan")
    signed_at = signed_at or now
    require(signed_at <= now + timedelta(minutes=5), _("The signing time is in the future."), "signed_at")
    require(signed_at >= req.requested_at - timedelta(days=1),
            _("The signing time is before the request."), "signed_at")
    req.scan.save(f"approval-{req.pk}", check_file(scan, (PDF, IMAGE)), save=False)
    req.status, req.on_paper, req.recorded_by = S.APPROVED, True, user
    req.decided_by, req.decided_at, req.note = signer, signed_at, note.strip()
    req.save(update_fields=["status", "on_paper", "recorded_by", "decided_by", "decided_at", "note", "scan"])
    ApprovalEvent.record(req, actor=user, kind=E.PAPER, note=req.note, at=now,
                         data={"signer": person_name(signer), "recorded_by": person_name(user),
                               "signed_at": timezone.localtime(signed_at).strftime("%Y-%m-%d %H:%M")})
    _finish(req, spec, approved=True, now=now)
    return req


@transaction.atomic
def approval_cancel(*, request: ApprovalRequest, actor: User | None, reason: str, now: datetime | None = None,
                    system: bool = False) -> ApprovalRequest:
    """Withdraw a waiting request (the order closed, the request was wrong); the reason is kept."""
    now = now or timezone.now()
    user = as_user(actor)
    req = _lock(request)
    spec = kind_for(req.kind)
    require(req.is_pending, _("This request has been decided already."), "bad_state")
    require(system or (user is not None and spec.can_request(user, req.subject)),
            _("You may not withdraw this request."))
    require(bool(reason.strip()), _("Give the reason for withdrawing the request."), "reason")
    req.status, req.note = S.CANCELLED, reason.strip()
    req.save(update_fields=["status", "note"])
    ApprovalEvent.record(req, actor=user, kind=E.CANCELLED, note=req.note, at=now)
    deadline_cancel(subject=req, code=spec.clock, now=now, reason="withdrawn")
    return req


def approvals_withdraw_for(*, subject: Any, reason: str, now: datetime | None = None) -> int:
    """The subject no longer needs its waiting approvals (cancelled, closed): withdrawn by the system."""
    n = 0
    for req in approvals_of(subject).filter(status=S.PENDING):
        approval_cancel(request=req, actor=None, reason=reason, now=now, system=True)
        n += 1
    return n
