"""SPEC R-01..R-03: application, checklist review, approval, deposit through fees, permit and passes."""

from decimal import Decimal

import pytest

from core.errors import DomainError
from core.models import Deadline
from fees.models import DepositMovement, LedgerEntry, Receipt
from fees.services import deposit_held
from renovation import services as svc
from renovation.models import Document, Renovation
from tests.renovation.conftest import (
    OWNER_ID,
    T0,
    WORKER2_ID,
    WORKER_ID,
    active,
    all_pass,
    approved,
    owner_of,
    pdf,
    pledges,
    png,
    register,
    reviewed,
    submitted,
)

pytestmark = pytest.mark.django_db


def test_owner_id_checked_against_resident_file(ns):  # SPEC R-01
    owner = owner_of(ns)
    with pytest.raises(DomainError, match="不一致") as e:
        register(ns, owner_id_number="110105194912310029")
    assert e.value.code == "owner_id"
    ren = register(ns, owner_id_number=OWNER_ID.lower())
    assert ren.owner == owner and ren.number.startswith("ZX2026-") and ren.status == Renovation.Status.DRAFT


def test_a_tenant_is_not_the_owner(ns):  # SPEC R-01
    from estates.models import Resident

    owner_of(ns)
    Resident.objects.filter(pk=ns.residents[0].pk).update(kind=Resident.Kind.TENANT)
    with pytest.raises(DomainError, match="不是"):
        register(ns, owner=Resident.objects.get(pk=ns.residents[0].pk))


def test_worker_id_must_be_18_with_check_digit(ns):  # SPEC R-01, issue 17 bad input
    ren = register(ns)
    bad = WORKER_ID[:-1] + ("0" if WORKER_ID[-1] != "0" else "1")
    for wrong in (bad, WORKER_ID[:15], "12345"):
        with pytest.raises(DomainError) as e:
            svc.worker_add(renovation=ren, name="张三", id_number=wrong, photo=png(), actor=ns.users["front_desk"])
        assert e.value.code == "id_number"
    w = svc.worker_add(renovation=ren, name="张三", id_number=WORKER2_ID, photo=png(), actor=ns.users["front_desk"])
    assert w.id_number_masked == WORKER2_ID[:3] + "*" * 11 + WORKER2_ID[-4:]


def test_worker_photo_must_be_an_image(ns, settings):  # SPEC R-01, issue 17 bad input
    ren = register(ns)
    with pytest.raises(DomainError) as e:
        svc.worker_add(renovation=ren, name="张三", id_number=WORKER_ID, photo=pdf(), actor=ns.users["front_desk"])
    assert e.value.code == "photo_type"
    settings.UPLOAD_LIMITS = {"image": 10}
    with pytest.raises(DomainError) as e:
        svc.worker_add(renovation=ren, name="张三", id_number=WORKER_ID, photo=png(), actor=ns.users["front_desk"])
    assert e.value.code == "photo_size"


def test_missing_required_document_blocks_submission(ns):  # SPEC R-01
    ren = register(ns)
    svc.document_attach(renovation=ren, kind=Document.Kind.OWNER_ID, file=pdf(), actor=ns.users["front_desk"])
    svc.worker_add(renovation=ren, name="李四", id_number=WORKER_ID, photo=png(), actor=ns.users["front_desk"])
    with pytest.raises(DomainError, match="设计图纸") as e:
        svc.renovation_submit(renovation=ren, actor=ns.users["front_desk"])
    assert e.value.code == "documents"
    for kind in (Document.Kind.DRAWINGS, Document.Kind.LICENCE):
        svc.document_attach(renovation=ren, kind=kind, file=pdf(), actor=ns.users["front_desk"])
    assert svc.renovation_submit(renovation=ren, actor=ns.users["front_desk"]).status == Renovation.Status.IN_REVIEW


def test_review_by_engineering_only(ns):  # SPEC R-02
    ren = submitted(ns)
    for role in ("front_desk", "center_head", "security_supervisor"):
        with pytest.raises(DomainError):
            svc.renovation_review(renovation=ren, results=all_pass(), actor=ns.users[role])


def test_failed_item_blocks_approval_until_changed_and_reviewed(ns):  # SPEC R-02
    ren = submitted(ns)
    with pytest.raises(DomainError, match="请说明"):  # a failed item needs its note
        svc.renovation_review(renovation=ren, results=all_pass({"structure": ""}), actor=ns.users["dept_staff"])
    svc.renovation_review(renovation=ren, results=all_pass({"structure": "拆除承重墙"}), actor=ns.users["dept_staff"])
    ren.refresh_from_db()
    assert ren.status == Renovation.Status.CHANGES_REQUIRED
    with pytest.raises(DomainError, match="不合格") as e:
        svc.renovation_approve(renovation=ren, pledges=pledges(), actor=ns.users["center_head"])
    assert e.value.code == "blocked"
    svc.renovation_plan_change(renovation=ren, scope="厨房、卫生间翻新(保留承重墙)", drawings=pdf(),
                               actor=ns.users["front_desk"])
    ren.refresh_from_db()
    assert ren.status == Renovation.Status.IN_REVIEW and ren.plan_version == 2
    with pytest.raises(DomainError):  # still not reviewed again
        svc.renovation_approve(renovation=ren, pledges=pledges(), actor=ns.users["center_head"])
    svc.renovation_review(renovation=ren, results=all_pass(), actor=ns.users["dept_staff"])
    ren = svc.renovation_approve(renovation=ren, pledges=pledges(), actor=ns.users["center_head"])
    assert ren.status == Renovation.Status.APPROVED


def test_reviewer_cannot_approve(ns):  # SPEC R-02, issue 17 bad input
    from django.contrib.auth.models import Group

    from core.roles import Role

    ren = submitted(ns)
    head = ns.users["center_head"]
    ns.staff["center_head"].department = ns.depts["engineering"] if "engineering" in ns.depts else \
        [d for k, d in ns.depts.items() if str(k) == "engineering"][0]
    ns.staff["center_head"].save()
    head.groups.add(Group.objects.get_or_create(name=Role.DEPT_SUPERVISOR)[0])
    head = type(head).objects.get(pk=head.pk)
    svc.renovation_review(renovation=ren, results=all_pass(), actor=head)
    with pytest.raises(DomainError, match="另一人"):
        svc.renovation_approve(renovation=ren, pledges=pledges(), actor=head)


def test_approval_records_signed_pledges(ns):  # SPEC R-03
    ren = reviewed(ns)
    with pytest.raises(DomainError, match="扫描件") as e:
        svc.renovation_approve(renovation=ren, pledges={Document.Kind.AGREEMENT: pdf()}, actor=ns.users["center_head"])
    assert e.value.code == "pledges"
    ren = svc.renovation_approve(renovation=ren, pledges=pledges(), actor=ns.users["center_head"])
    assert set(ren.documents.values_list("kind", flat=True)) >= set(Document.PLEDGES)
    assert ren.approved_by == ns.users["center_head"]


def test_deposit_through_fees_then_permit_and_passes(ns):  # SPEC R-03
    ren = approved(ns)
    with pytest.raises(DomainError):  # engineering does not take money
        svc.renovation_deposit_take(renovation=ren, amount="2000", actor=ns.users["dept_staff"])
    ren = svc.renovation_deposit_take(renovation=ren, amount="2000.00", actor=ns.users["front_desk"], now=T0)
    assert ren.status == Renovation.Status.ACTIVE and ren.permit_version == 1
    move = DepositMovement.objects.get(reference=ren.reference)
    assert move.amount == Decimal("2000.00") and Receipt.objects.filter(payment=move.payment).exists()
    assert deposit_held(ren.unit, ren.reference) == Decimal("2000.00")
    w = ren.workers.get()
    assert w.pass_number == f"{ren.number}-01" and w.valid_until == ren.end_date
    codes = set(Deadline.objects.filter(subject_id=ren.pk, state="running").values_list("code", flat=True))
    assert {"renovation.patrol", "renovation.permit.expiry"} <= codes


def test_other_site_cannot_act(ns, site_b):  # issue 17 bad input: another site's renovation
    ren = submitted(ns)
    with pytest.raises(DomainError) as e:
        svc.renovation_review(renovation=ren, results=all_pass(), actor=site_b.users["dept_supervisor"])
    assert e.value.code == "other_site"


def test_fees_ledger_balances_for_the_deposit(ns):  # SPEC
    ren = active(ns)
    total = sum(LedgerEntry.objects.filter(unit=ren.unit, account=LedgerEntry.Account.DEPOSIT)
                .values_list("amount", flat=True))
    assert total == deposit_held(ren.unit, ren.reference)
