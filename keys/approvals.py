"""SPEC K-01/K-06 + T-18: a seal is put on jointly by two people; each of them confirms it in their own
login (or the signed seal register is scanned). The person recording the seal confirms his own part by
recording it; the other person is asked (inbox item + clock) instead of being picked and recorded."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.approvals import ApprovalKind, register
from keys import permissions as perm
from keys.models import SealRecord

SEALER, WITNESS = "key.seal.sealer", "key.seal.witness"


def _is(field: str):
    def check(user, seal: SealRecord) -> bool:
        staff = getattr(user, "staff", None)
        return (staff is not None and staff.is_active and staff.site_id == seal.site_id
                and staff.pk == getattr(seal, field))
    return check


def _person(field: str):
    def people(req):
        seal = SealRecord.objects.select_related(field.removesuffix("_id") + "__user").get(pk=req.subject_id)
        staff = getattr(seal, field.removesuffix("_id"))
        return [staff.user] if staff is not None and staff.user_id else []
    return people


def _noop(req, approved, now) -> None:
    """The confirmation is the request's own record (its history and the seal register's line)."""


def _can_record(user, seal: SealRecord) -> bool:
    return perm.can_record_at(user, seal.site_id)


register(ApprovalKind(SEALER, _("Seal put on (the person who sealed)"), "", clock="approval.key.seal",
                      can_decide=_is("sealed_by_id"), can_request=_can_record, on_decided=_noop,
                      recipients=_person("sealed_by_id")))
register(ApprovalKind(WITNESS, _("Seal put on jointly (the second person)"), "", clock="approval.key.seal",
                      can_decide=_is("sealed_with_id"), can_request=_can_record, on_decided=_noop,
                      recipients=_person("sealed_with_id")))
