"""Application (R-01), checklist review (R-02), approval, deposit, permit and passes (R-03)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import deadline_start
from core.errors import DomainError
from core.numbering import number_take
from core.uploads import check_file, check_image
from core.validators import normalize_id_number, normalize_phone
from estates.models import Resident, Unit
from fees.services import deposit_take
from renovation import permissions as perm
from renovation.models import ChecklistItem, Document, Renovation, Review, ReviewResult, Worker
from renovation.services.common import (
    PATROL,
    PERMIT_EXPIRY,
    end_of,
    event,
    lock,
    require_status,
    setting_for,
)

K = Renovation.Status


def _same_id(a: str, b: str) -> bool:
    try:
        return bool(a) and normalize_id_number(a) == normalize_id_number(b)
    except ValidationError:
        return False


def worker_id_number(value: str) -> str:
    """A worker's ID: 18 characters with a valid check digit (the old 15-digit form is not accepted)."""
    try:
        s = normalize_id_number(value)
    except ValidationError as err:
        raise DomainError(err.messages[0], code="id_number") from None
    if len(s) != 18:
        raise DomainError(_("Enter a valid ID number (18 characters, the last one a check digit or X)."),
                          code="id_number")
    return s


@transaction.atomic
def renovation_register(*, unit: Unit, owner: Resident, owner_id_number: str, contractor: str,
                        contractor_licence: str, lead_name: str, lead_phone: str, start_date: date, end_date: date,
                        scope: str, materials: str = "", actor: User, now: datetime | None = None) -> Renovation:
    """R-01: the front desk registers the application; the owner's ID is checked against the resident file."""
    now = now or timezone.now()
    perm.check_register(actor, unit.site_id)
    if owner.unit_id != unit.pk or owner.kind != Resident.Kind.OWNER or not owner.is_active:
        raise DomainError(_("%(name)s is not an owner of %(unit)s in the resident file.")
                          % {"name": owner.name, "unit": unit.code}, code="owner")
    if not owner.id_number:
        raise DomainError(_("The resident file has no ID number for %(name)s; add it to the resident file first.")
                          % {"name": owner.name}, code="owner_id")
    if not _same_id(owner_id_number, owner.id_number):
        raise DomainError(_("The ID number does not match the owner's ID number in the resident file."),
                          code="owner_id")
    if end_date < start_date:
        raise DomainError(_("The end date is before the start date."), code="dates")
    try:
        lead_phone = normalize_phone(lead_phone)
    except ValidationError as err:
        raise DomainError(err.messages[0], code="phone") from None
    for value, label in ((contractor, _("contractor")), (contractor_licence, _("licence number")),
                         (lead_name, _("site lead")), (scope, _("scope of work"))):
        if not (value or "").strip():
            raise DomainError(_("Enter the %(field)s.") % {"field": label}, code="required")
    year = timezone.localdate(now).year
    seq = number_take(site_id=unit.site_id, series="ZX", period=str(year))
    ren = Renovation.objects.create(
        site_id=unit.site_id, unit=unit, number=f"ZX{year}-{seq:04d}", owner=owner, owner_phone=owner.phone,
        contractor=contractor.strip(), contractor_licence=contractor_licence.strip(), lead_name=lead_name.strip(),
        lead_phone=lead_phone, start_date=start_date, end_date=end_date, scope=scope.strip(),
        materials=(materials or "").strip(), registered_by=actor, registered_at=now)
    event(ren, "registered", actor=actor, at=now)
    return ren


@transaction.atomic
def document_attach(*, renovation: Renovation, kind: str, file, actor: User, now: datetime | None = None) -> Document:
    """Any document of the application (R-01) or a signed pledge's scan (R-03), content-checked."""
    now = now or timezone.now()
    ren = lock(renovation)
    if not (kind in Document.PLEDGES and perm.can_approve(actor, ren.site_id)):  # the head attaches pledges too
        perm.check_register(actor, ren.site_id)
    if kind not in Document.Kind.values:
        raise DomainError(_("Choose the kind of document."), code="kind")
    checked = check_file(file, ("pdf", "image"))
    doc = Document(site_id=ren.site_id, renovation=ren, kind=kind, original_name=checked.original_name,
                   uploaded_by=actor, uploaded_at=now)
    doc.file.save(str(checked.name), checked, save=False)
    doc.save()
    event(ren, "document", actor=actor, at=now, data={"kind": kind, "document": doc.pk})
    return doc


@transaction.atomic
def worker_add(*, renovation: Renovation, name: str, id_number: str, photo, actor: User,
               now: datetime | None = None) -> Worker:
    """R-01: a worker with name, ID (18 characters, check digit) and photo; passes follow at the permit."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    if ren.status not in (K.DRAFT, K.CHANGES_REQUIRED, K.IN_REVIEW, K.REVIEWED, K.APPROVED, K.ACTIVE):
        require_status(ren, K.DRAFT)
    id_number = worker_id_number(id_number)
    if not (name or "").strip():
        raise DomainError(_("Enter the worker's name."), code="required")
    if ren.workers.filter(id_number=id_number, is_active=True).exists():
        raise DomainError(_("This worker is already on the list."), code="duplicate")
    if not photo:
        raise DomainError(_("A photo of the worker is required for the pass."), code="photo")
    checked = check_image(photo)
    w = Worker(site_id=ren.site_id, renovation=ren, name=name.strip(), id_number=id_number)
    w.photo.save(str(checked.name), checked, save=False)
    if ren.status == K.ACTIVE:  # a worker added later gets a pass at once
        w.pass_number, w.valid_until = _pass_number(ren), ren.end_date
    w.save()
    event(ren, "worker", actor=actor, at=now, data={"worker": w.pk, "name": w.name})
    return w


def missing_documents(ren: Renovation) -> list[str]:
    have = set(ren.documents.values_list("kind", flat=True))
    return [str(Document.Kind(k).label) for k in Document.REQUIRED_FOR_SUBMISSION if k not in have]


@transaction.atomic
def renovation_submit(*, renovation: Renovation, actor: User, now: datetime | None = None) -> Renovation:
    """R-01: submitted for review only with the required documents and at least one worker."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    require_status(ren, K.DRAFT)
    missing = missing_documents(ren)
    if missing:
        raise DomainError(_("Missing required documents: %(docs)s. Upload them before submitting.")
                          % {"docs": "、".join(missing)}, code="documents")
    if not ren.workers.filter(is_active=True).exists():
        raise DomainError(_("Add the workers (name, ID number, photo) before submitting."), code="workers")
    ren.status, ren.submitted_at = K.IN_REVIEW, now
    ren.save(update_fields=["status", "submitted_at", "updated_at"])
    event(ren, "submitted", actor=actor, at=now)
    return ren


@transaction.atomic
def renovation_review(*, renovation: Renovation, results: dict[int, tuple[bool, str]], actor: User,
                      now: datetime | None = None) -> Review:
    """R-02: every checklist item pass/fail with a note, by engineering in their own login.

    A failed item sends the plan back to be changed; all passed → awaiting the head's approval."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_review(actor, ren.site_id)
    require_status(ren, K.IN_REVIEW)
    items = list(ChecklistItem.objects.filter(is_active=True))
    missing = [i.title for i in items if i.pk not in results]
    if missing:
        raise DomainError(_("Judge every checklist item; missing: %(items)s.") % {"items": "、".join(missing)},
                          code="incomplete")
    for i in items:
        ok, note = results[i.pk]
        if not ok and not (note or "").strip():
            raise DomainError(_("Say what is wrong with “%(item)s”.") % {"item": i.title}, code="note")
    passed = all(results[i.pk][0] for i in items)
    review = Review.objects.create(site_id=ren.site_id, renovation=ren, plan_version=ren.plan_version,
                                   reviewer=actor, at=now, passed=passed)
    ReviewResult.objects.bulk_create([ReviewResult(review=review, item=i, passed=results[i.pk][0],
                                                   note=(results[i.pk][1] or "").strip()[:300]) for i in items])
    ren.status = K.REVIEWED if passed else K.CHANGES_REQUIRED
    ren.save(update_fields=["status", "updated_at"])
    event(ren, "reviewed", actor=actor, at=now, data={"review": review.pk, "passed": passed,
                                                      "failed": [i.title for i in items if not results[i.pk][0]]})
    return review


@transaction.atomic
def renovation_plan_change(*, renovation: Renovation, scope: str, note: str = "", drawings=None, actor: User,
                           now: datetime | None = None) -> Renovation:
    """R-02: after a failed item the plan is changed (new version) and goes back to review."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_register(actor, ren.site_id)
    require_status(ren, K.CHANGES_REQUIRED, message=_("The plan is changed only after a failed review."))
    if not (scope or "").strip():
        raise DomainError(_("Enter the scope of work."), code="required")
    if drawings:
        document_attach(renovation=ren, kind=Document.Kind.CHANGE, file=drawings, actor=actor, now=now)
    ren.scope, ren.plan_version, ren.status = scope.strip(), ren.plan_version + 1, K.IN_REVIEW
    ren.save(update_fields=["scope", "plan_version", "status", "updated_at"])
    event(ren, "plan_changed", actor=actor, at=now, note=note, data={"version": ren.plan_version})
    return ren


def approval_blockers(ren: Renovation, actor: User | None = None) -> list[str]:
    """Why the head may not approve now (shown on the page and enforced by the service)."""
    out = []
    reviews = list(ren.reviews.filter(plan_version=ren.plan_version))
    if ren.status in (K.CHANGES_REQUIRED, K.IN_REVIEW) and ren.reviews.filter(passed=False).exists():
        out.append(_("A checklist item failed: the plan must be changed and reviewed again before approval."))
    elif not any(r.passed for r in reviews):
        out.append(_("The plan has not passed the checklist review."))
    if actor is not None and any(r.reviewer_id == actor.pk for r in reviews):
        out.append(_("You reviewed this plan; another person (the service-center head) approves it."))
    return out


@transaction.atomic
def renovation_approve(*, renovation: Renovation, pledges: dict | None = None, actor: User,
                       now: datetime | None = None) -> Renovation:
    """R-02/R-03: the head approves a plan that passed every item, not having reviewed it; the agreement,
    fire-safety and cleaning pledges are recorded as signed with their scans."""
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_approve(actor, ren.site_id)
    blockers = approval_blockers(ren, actor)
    if blockers:
        raise DomainError(blockers[0], code="blocked")
    require_status(ren, K.REVIEWED)
    for kind, f in (pledges or {}).items():
        if f:
            document_attach(renovation=ren, kind=kind, file=f, actor=actor, now=now)
    have = set(ren.documents.values_list("kind", flat=True))
    missing = [str(Document.Kind(k).label) for k in Document.PLEDGES if k not in have]
    if missing:
        raise DomainError(_("Attach the signed scans: %(docs)s.") % {"docs": "、".join(missing)}, code="pledges")
    ren.status, ren.approved_by, ren.approved_at = K.APPROVED, actor, now
    ren.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    event(ren, "approved", actor=actor, at=now)
    return ren


@transaction.atomic
def renovation_reject(*, renovation: Renovation, reason: str, actor: User, now: datetime | None = None) -> Renovation:
    now = now or timezone.now()
    ren = lock(renovation)
    perm.check_approve(actor, ren.site_id)
    require_status(ren, K.DRAFT, K.IN_REVIEW, K.CHANGES_REQUIRED, K.REVIEWED)
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."), code="reason")
    ren.status, ren.closed_at = K.REJECTED, now
    ren.save(update_fields=["status", "closed_at", "updated_at"])
    event(ren, "rejected", actor=actor, at=now, note=reason)
    return ren


def _pass_number(ren: Renovation) -> str:
    n = Worker.objects.filter(renovation=ren).exclude(pass_number="").count() + 1
    return f"{ren.number}-{n:02d}"


@transaction.atomic
def renovation_deposit_take(*, renovation: Renovation, amount: Decimal | str | None = None, method: str = "cash",
                            payer: str = "", actor: User, now: datetime | None = None) -> Renovation:
    """R-03: the deposit is taken through fees (receipt); then the permit and the worker passes are issued."""
    now = now or timezone.now()
    ren = lock(renovation)
    require_status(ren, K.APPROVED, message=_("The deposit is taken after approval."))
    amount = amount if amount not in (None, "") else setting_for(ren.site).deposit_amount
    move = deposit_take(unit=ren.unit, amount=amount, method=method, actor=actor, reference=ren.reference,
                        purpose="renovation", payer=payer or ren.owner.name, now=now)
    ren.deposit_amount, ren.deposit_taken_at = move.amount, now
    ren.save(update_fields=["deposit_amount", "deposit_taken_at", "updated_at"])
    event(ren, "deposit", actor=actor, at=now, data={"amount": str(move.amount), "movement": move.pk,
                                                     "payment": move.payment_id})
    return permit_issue(renovation=ren, actor=actor, now=now)


def permit_issue(*, renovation: Renovation, actor: User, now: datetime) -> Renovation:
    """The permit (a new version on an extension) and a pass for each worker valid to the end date."""
    ren = renovation
    first = ren.permit_version == 0
    for w in ren.workers.filter(is_active=True).order_by("id"):
        if not w.pass_number:
            w.pass_number = _pass_number(ren)
        w.valid_until = ren.end_date
        w.save(update_fields=["pass_number", "valid_until", "updated_at"])
    ren.permit_version += 1
    ren.permit_issued_at, ren.status, ren.permit_expired_at = now, K.ACTIVE, None
    ren.save(update_fields=["permit_version", "permit_issued_at", "status", "permit_expired_at", "updated_at"])
    if first:
        deadline_start(subject=ren, code=PATROL, now=now)  # patrolled each working day
    deadline_start(subject=ren, code=PERMIT_EXPIRY, now=now, due_at=end_of(ren.end_date))
    event(ren, "permit", actor=actor, at=now, data={"version": ren.permit_version, "end": f"{ren.end_date}"})
    return ren
