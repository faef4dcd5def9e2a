"""SPEC K-01, K-03, K-04, K-06, X-02: dual control is enforced by the services, not only the page."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from core.errors import DomainError
from keys import permissions as perm
from keys import services as svc
from keys.models import KeyApproval, KeyDeposit, KeyEvent, KeyUse, SealRecord
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

DP, DS = KeyApproval.Kind.DEPOSIT_PROPERTY, KeyApproval.Kind.DEPOSIT_SECURITY
UP, US = KeyApproval.Kind.USE_PROPERTY, KeyApproval.Kind.USE_SECURITY


def _both_roles(site_a):
    from core.roles import Role
    return make_staff(site_a.site, Role.CENTER_HEAD, Role.SECURITY_SUPERVISOR, username="a_both").user


# SPEC K-01: deposit approvals — the dual-control matrix
@pytest.mark.parametrize("case", ["two_valid", "same_person_twice", "registrar_approves", "wrong_role_property",
                                  "wrong_role_security"])
def test_deposit_dual_control_matrix(site_a, cab_a, keyflow, case):
    dep = keyflow.register(site_a)
    u = site_a.users
    if case == "two_valid":
        svc.key_deposit_approve(deposit=dep, kind=DP, actor=u["center_head"])
        dep = svc.key_deposit_approve(deposit=dep, kind=DS, actor=u["security_supervisor"])
        assert dep.status == KeyDeposit.Status.APPROVED
        assert set(dep.approvals.values_list("approver_id", flat=True)) == {u["center_head"].pk,
                                                                          u["security_supervisor"].pk}
        return
    if case == "same_person_twice":
        both = _both_roles(site_a)
        svc.key_deposit_approve(deposit=dep, kind=DP, actor=both)
        with pytest.raises(DomainError) as err:
            svc.key_deposit_approve(deposit=dep, kind=DS, actor=both)
        assert err.value.code == "same_person"
    elif case == "registrar_approves":
        from core.roles import Role
        registrar = make_staff(site_a.site, Role.CENTER_HEAD, Role.FRONT_DESK, username="a_reg").user
        dep = svc.key_deposit_register(site=site_a.site, unit=site_a.units[1], reason="developer",
                                       key_description="交房钥匙", actor=registrar)
        with pytest.raises(DomainError) as err:
            svc.key_deposit_approve(deposit=dep, kind=DP, actor=registrar)
        assert err.value.code == "own_request"
    elif case == "wrong_role_property":
        with pytest.raises(DomainError) as err:
            svc.key_deposit_approve(deposit=dep, kind=DP, actor=u["security_supervisor"])
        assert err.value.code == "wrong_role"
    else:
        with pytest.raises(DomainError) as err:
            svc.key_deposit_approve(deposit=dep, kind=DS, actor=u["front_desk"])
        assert err.value.code == "wrong_role"
    dep = KeyDeposit.objects.get(pk=dep.pk)
    assert dep.status == KeyDeposit.Status.REQUESTED
    assert err.value.message  # a clear message for the page


# SPEC K-03: use approvals — the same matrix
@pytest.mark.parametrize("case", ["two_valid", "same_person_twice", "requester_approves", "wrong_role",
                                  "approve_twice_same_kind"])
def test_use_dual_control_matrix(site_a, cab_a, keyflow, case):
    dep = keyflow.stored_key(site_a, cab_a)
    u = site_a.users
    requester = u["zone_staff"]
    if case == "requester_approves":
        from core.roles import Role
        requester = make_staff(site_a.site, Role.SECURITY_SUPERVISOR, username="a_req").user
    use = svc.key_use_request(deposit=dep, purpose="检修", planned_out=keyflow.T0,
                              planned_return=keyflow.T0 + timedelta(hours=1), actor=requester, now=keyflow.T0)
    if case == "two_valid":
        svc.key_use_approve(use=use, kind=US, actor=u["security_supervisor"])
        use = svc.key_use_approve(use=use, kind=UP, actor=u["center_head"])
        assert use.status == KeyUse.Status.APPROVED
        return
    if case == "same_person_twice":
        both = _both_roles(site_a)
        svc.key_use_approve(use=use, kind=UP, actor=both)
        with pytest.raises(DomainError) as err:
            svc.key_use_approve(use=use, kind=US, actor=both)
        assert err.value.code == "same_person"
    elif case == "requester_approves":
        with pytest.raises(DomainError) as err:
            svc.key_use_approve(use=use, kind=US, actor=requester)
        assert err.value.code == "own_request"
    elif case == "wrong_role":
        with pytest.raises(DomainError) as err:
            svc.key_use_approve(use=use, kind=UP, actor=u["site_director"])
        assert err.value.code == "wrong_role"
    else:
        svc.key_use_approve(use=use, kind=UP, actor=u["center_head"])
        other_head = make_staff(site_a.site, "center_head", username="a_head2").user
        with pytest.raises(DomainError) as err:
            svc.key_use_approve(use=use, kind=UP, actor=other_head)
        assert err.value.code == "already_approved"
    use = KeyUse.objects.get(pk=use.pk)
    assert use.status == KeyUse.Status.REQUESTED


# SPEC K-01/K-03: the database refuses one approver twice even if a service were bypassed
def test_db_refuses_same_approver_twice(site_a, cab_a, keyflow):
    dep = keyflow.register(site_a)
    KeyApproval.objects.create(site=site_a.site, deposit=dep, kind=DP, approver=site_a.users["center_head"],
                               at=keyflow.T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyApproval.objects.create(site=site_a.site, deposit=dep, kind=DS, approver=site_a.users["center_head"],
                                   at=keyflow.T0)


# SPEC K-04: the take-out matrix
@pytest.mark.parametrize("case", ["two_valid", "single_person", "wrong_property_role", "wrong_security_role",
                                  "not_custodian", "missing_person"])
def test_take_out_matrix(site_a, cab_a, keyflow, case):
    dep = keyflow.stored_key(site_a, cab_a)
    use = keyflow.approved_use(site_a, dep)
    s, u = site_a.staff, site_a.users
    kwargs = {"property_staff": s["zone_staff"], "security_staff": s["security_officer"], "actor": u["front_desk"]}
    code = {"single_person": "same_person", "wrong_property_role": "wrong_role", "wrong_security_role": "wrong_role",
            "not_custodian": "not_custodian", "missing_person": "two_people"}.get(case)
    if case == "single_person":
        from core.roles import Role
        both = make_staff(site_a.site, Role.ZONE_STAFF, Role.SECURITY_OFFICER, username="a_solo")
        kwargs.update(property_staff=both, security_staff=both)
    elif case == "wrong_property_role":
        kwargs["property_staff"] = s["front_desk"]
    elif case == "wrong_security_role":
        kwargs["security_staff"] = s["dept_staff"]
    elif case == "not_custodian":
        kwargs["actor"] = u["zone_staff"]
    elif case == "missing_person":
        kwargs["security_staff"] = None
    if code is None:
        use = svc.key_use_take_out(use=use, now=keyflow.T0, **kwargs)
        assert use.status == KeyUse.Status.OUT
        dep = KeyDeposit.objects.get(pk=dep.pk)
        assert dep.status == KeyDeposit.Status.OUT
        ev = dep.events.get(kind=KeyEvent.Kind.TAKEN_OUT)
        assert ev.data["property"] == s["zone_staff"].name and ev.data["security"] == s["security_officer"].name
        return
    with pytest.raises(DomainError) as err:
        svc.key_use_take_out(use=use, now=keyflow.T0, **kwargs)
    assert err.value.code == code
    use = KeyUse.objects.get(pk=use.pk)
    assert use.status == KeyUse.Status.APPROVED


# SPEC K-04: an unapproved use cannot take the key out
def test_take_out_needs_both_approvals(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a)
    use = svc.key_use_request(deposit=dep, purpose="检修", planned_out=keyflow.T0,
                              planned_return=keyflow.T0 + timedelta(hours=1), actor=site_a.users["zone_staff"])
    svc.key_use_approve(use=use, kind=UP, actor=site_a.users["center_head"])
    with pytest.raises(DomainError) as err:
        svc.key_use_take_out(use=use, property_staff=site_a.staff["zone_staff"],
                             security_staff=site_a.staff["security_officer"], actor=site_a.users["front_desk"])
    assert err.value.code == "not_approved"


# SPEC K-01: only the designated custodian stores; a slot holds one key (service and DB)
def test_only_custodian_stores_and_slot_holds_one_key(site_a, cab_a, keyflow):
    keyflow.stored_key(site_a, cab_a, seal="S-1", slot_no=1)
    dep2 = keyflow.approve_deposit(site_a, keyflow.register(site_a))
    slot1 = cab_a.slots.get(number=1)
    with pytest.raises(DomainError) as err:
        svc.key_deposit_store(deposit=dep2, slot=cab_a.slots.get(number=2), seal_number="S-2",
                              actor=site_a.users["security_supervisor"])
    assert err.value.code == "not_custodian"
    with pytest.raises(DomainError) as err:
        svc.key_deposit_store(deposit=dep2, slot=slot1, seal_number="S-2", actor=site_a.users["front_desk"])
    assert err.value.code == "slot_taken"
    assert not SealRecord.objects.filter(seal_number="S-2").exists()
    # the database constraint too, if a service were bypassed
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyDeposit.objects.filter(pk=dep2.pk).update(slot=slot1, status="stored")


def test_predicates_for_templates(site_a, cab_a, keyflow):
    # SPEC K-01: the page asks the same predicate the service re-checks
    dep = keyflow.register(site_a)
    assert perm.can_approve(site_a.users["center_head"], deposit=dep, kind=DP)
    assert not perm.can_approve(site_a.users["zone_staff"], deposit=dep, kind=DP)
    assert not perm.can_approve(site_a.users["security_supervisor"], deposit=dep, kind=DP)
