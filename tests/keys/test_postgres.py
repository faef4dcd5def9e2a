"""SPEC K-01, X-02 on PostgreSQL: dual control holds under concurrent requests (row lock + constraint)."""


import pytest

from core.errors import DomainError
from core.roles import Role
from keys import services as svc
from keys.models import KeyApproval, KeyDeposit
from tests.concurrency import run_at_once
from tests.factories import make_staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls):
    outcomes = run_at_once(calls)
    for o in outcomes:
        if isinstance(o, Exception) and not isinstance(o, DomainError):
            raise o
    return sorted(o.code if isinstance(o, DomainError) else "ok" for o in outcomes)


# SPEC K-01: one person with both roles clicking both approvals at once still signs only one
def test_same_person_both_approvals_concurrently(site_a, cab_a, keyflow):
    both = make_staff(site_a.site, Role.CENTER_HEAD, Role.SECURITY_SUPERVISOR, username="a_both_pg").user
    dep = keyflow.register(site_a)
    results = _race([
        lambda: svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=both),
        lambda: svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_SECURITY, actor=both),
    ])
    assert results == ["ok", "same_person"]
    assert KeyApproval.objects.filter(deposit=dep).count() == 1
    assert KeyDeposit.objects.get(pk=dep.pk).status == "requested"


# SPEC K-06: two returns racing with the same new seal number: one wins, the other is refused
def test_seal_number_race(site_a, cab_a, keyflow):
    d1 = keyflow.stored_key(site_a, cab_a, seal="PG-1", slot_no=1)
    d2 = keyflow.stored_key(site_a, cab_a, seal="PG-2", slot_no=2)
    u1, u2 = keyflow.out_use(site_a, d1), keyflow.out_use(site_a, d2)
    kw = {"seal_number": "PG-9", "sealer": site_a.staff["zone_staff"], "witness": site_a.staff["security_officer"],
          "actor": site_a.users["front_desk"]}
    results = _race([lambda: svc.key_use_return(use=u1, **kw), lambda: svc.key_use_return(use=u2, **kw)])
    assert results == ["ok", "seal_used"]
