"""SPEC H-02, H-03: the move-in steps in order (identity → fees → documents → keys → joint inspection →
defects to the developer → utilities), through fees, keys and tickets; the desk per building; the pack."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.errors import DomainError
from estates.models import UnitDocument
from fees.models import Bill, LedgerEntry
from handover import services as svc
from handover.models import Defect, MoveIn, MoveInDocument
from handover.selectors import desk_by_building
from keys.models import KeyDeposit
from tests.handover.conftest import T0, UNIT, at, pdf, results, store_developer_key
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db
S = MoveIn.Step


@pytest.fixture
def keyed_unit(site_a, takeover_a, cab_a):
    """Unit 0 passed the takeover inspection and its keys are in the cabinet."""
    insp = svc.inspection_record(site=site_a.site, scope=UNIT, results=results(UNIT),
                                 actor=site_a.users["cs_supervisor"], takeover=takeover_a, unit=site_a.units[0], now=T0)
    store_developer_key(site_a, cab_a, insp)
    return site_a.units[0]


def _desk(site_a):
    """The desk clerk: front desk (takes the fees, custodian of the cabinet) and CS supervisor (routes T-16)."""
    from django.contrib.auth.models import Group

    user = site_a.users["front_desk"]
    user.groups.add(Group.objects.get_or_create(name="cs_supervisor")[0])
    user._role_codes = None
    for r in site_a.residents:  # a valid number on record (GB 11643 check digit)
        r.id_number = "44030119800101123X"
        r.save(update_fields=["id_number"])
    return user


def walk_to(mi, step, ns, actor, now=T0):
    """Record the steps before `step`."""
    owner = ns.residents[0]
    runs = {
        S.IDENTITY: lambda: svc.move_in_identity(move_in=mi, resident=owner, id_number=owner.id_number,
                                                 identity_doc="身份证", actor=actor, now=now),
        S.FEES: lambda: svc.move_in_fees(move_in=mi, lines=[("物业服务费（首期）", "1,074.00"), ("垃圾清运费", "60")],
                                         method="cash", actor=actor, now=now),
        S.DOCUMENTS: lambda: svc.move_in_documents(move_in=mi, scans={"agreement": pdf("a.pdf"), "rules": pdf("r.pdf"),
                                                                      "fire": pdf("f.pdf")}, actor=actor, now=now),
        S.KEYS: lambda: svc.move_in_keys(move_in=mi, signer_name=owner.name, signed_on_paper=True, actor=actor,
                                         now=now),
        S.INSPECTION: lambda: svc.move_in_inspect(move_in=mi, results=results(UNIT, fail=9, note="入户门关不严"),
                                                  due_at=at(2026, 12, 4, 18, 0), reinspect_on=at(2026, 12, 5).date(),
                                                  actor=actor, now=now),
        S.DEFECTS: lambda: svc.move_in_defects_report(move_in=mi, actor=actor, now=now),
        S.UTILITIES: lambda: svc.move_in_utilities(move_in=mi, utilities="水、电、燃气已开通", actor=actor, now=now),
    }
    for s in MoveIn.ORDER[:MoveIn.ORDER.index(step)]:
        mi = runs[s]()
    return mi


# SPEC H-02: every step in order, each through its own app
def test_move_in_walk(site_a, keyed_unit):
    desk = _desk(site_a)
    mi = svc.move_in_open(unit=keyed_unit, actor=desk, now=T0)
    assert mi.resident == site_a.residents[0] and mi.step == S.IDENTITY
    mi = walk_to(mi, S.DONE, site_a, desk)
    assert mi.step == S.DONE and mi.completed_at == T0
    # fees: one bill of the two lines, paid by one payment with a receipt (F-02)
    bill = Bill.objects.get(unit=keyed_unit, kind=Bill.Kind.OTHER)
    assert str(bill.total) == "1134.00" and bill.status == Bill.Status.PAID and bill.lines.count() == 2
    assert mi.payment.amount == bill.total and hasattr(mi.payment, "receipt")
    assert LedgerEntry.objects.filter(unit=keyed_unit, bill=bill, kind=LedgerEntry.Kind.CHARGE).count() == 1
    # documents: three scans in the resident file (O-02)
    assert mi.documents.count() == 3
    assert UnitDocument.objects.filter(unit=keyed_unit).count() == 3
    # keys: returned to the owner against signature (K-07)
    dep = KeyDeposit.objects.get(pk=mi.key_deposit_id)
    assert dep.status == KeyDeposit.Status.RETURNED and dep.signer_name == site_a.residents[0].name
    # inspection: one failed item → one defect with the agreed date, routed to the developer as a warranty order
    d = Defect.objects.get(move_in=mi)
    assert d.location.endswith("门窗") and d.description == "入户门关不严"
    assert d.work_order.status == WorkOrder.Status.DEVELOPER and d.work_order.is_warranty
    assert d.work_order.due_at == at(2026, 12, 4, 18, 0)
    assert list(mi.events.values_list("kind", flat=True)) == [
        "opened", "identity", "fees", "documents", "keys", "inspected", "inspection", "defects", "utilities"]


# SPEC H-02: no step skipped, none twice
def test_move_in_order_enforced(site_a, keyed_unit):
    desk = _desk(site_a)
    mi = svc.move_in_open(unit=keyed_unit, actor=desk, now=T0)
    with pytest.raises(DomainError) as err:
        svc.move_in_fees(move_in=mi, lines=[("物业服务费", "100")], method="cash", actor=desk, now=T0)
    assert err.value.code == "out_of_order" and str(S.IDENTITY.label) in err.value.message
    with pytest.raises(DomainError) as err:
        svc.move_in_keys(move_in=mi, signer_name="x", signed_on_paper=True, actor=desk, now=T0)
    assert err.value.code == "out_of_order"
    mi = walk_to(mi, S.FEES, site_a, desk)
    with pytest.raises(DomainError) as err:
        svc.move_in_identity(move_in=mi, resident=site_a.residents[0], id_number=site_a.residents[0].id_number,
                             identity_doc="身份证", actor=desk, now=T0)
    assert err.value.code == "done"
    assert not Bill.objects.filter(unit=keyed_unit, kind=Bill.Kind.OTHER).exists()
    with pytest.raises(DomainError):  # a second move-in of the same unit
        svc.move_in_open(unit=keyed_unit, actor=desk, now=T0)


# SPEC H-02, X-03: bad input of each step refused with its message
def test_move_in_bad_input(site_a, keyed_unit):
    desk = _desk(site_a)
    mi = svc.move_in_open(unit=keyed_unit, actor=desk, now=T0)
    owner = site_a.residents[0]
    with pytest.raises(DomainError) as err:
        svc.move_in_identity(move_in=mi, resident=owner, id_number="110101199003070000", identity_doc="身份证",
                             actor=desk, now=T0)
    assert err.value.code == "id_number"
    with pytest.raises(DomainError) as err:
        svc.move_in_identity(move_in=mi, resident=owner, id_number="11010119900307803X", identity_doc="身份证",
                             actor=desk, now=T0)
    assert err.value.code == "id_mismatch"
    with pytest.raises(DomainError) as err:  # the owner of another unit
        svc.move_in_identity(move_in=mi, resident=site_a.residents[1], id_number=owner.id_number,
                             identity_doc="身份证", actor=desk, now=T0)
    assert err.value.code == "resident"
    mi = walk_to(mi, S.DOCUMENTS, site_a, desk)
    with pytest.raises(DomainError) as err:
        svc.move_in_documents(move_in=mi, scans={"agreement": pdf()}, actor=desk, now=T0)
    assert err.value.code == "scans" and str(MoveInDocument.Kind.FIRE_PLEDGE.label) in err.value.message
    assert not UnitDocument.objects.filter(unit=keyed_unit).exists()


# SPEC H-02, K-07: no key handed over that is not in the cabinet; the clerk who is not the custodian is refused
def test_move_in_keys_need_custody(site_a, takeover_a, cab_a):
    desk = _desk(site_a)
    unit = site_a.units[2]  # no takeover inspection, no key
    from tests.factories import ResidentFactory

    ResidentFactory(unit=unit, site=site_a.site, id_number="44030119800101123X")
    ns = type(site_a)(**{**vars(site_a), "residents": [unit.residents.first()]})
    mi = walk_to(svc.move_in_open(unit=unit, actor=desk, now=T0), S.KEYS, ns, desk)
    with pytest.raises(DomainError) as err:
        svc.move_in_keys(move_in=mi, signer_name="x", signed_on_paper=True, actor=desk, now=T0)
    assert err.value.code == "no_key"


# SPEC H-03: the desk per building; the pack; another site's move-in is 404
def test_desk_pack_and_isolation(client, site_a, site_b, keyed_unit):
    desk = _desk(site_a)
    done = walk_to(svc.move_in_open(unit=keyed_unit, actor=desk, now=T0), S.DONE, site_a, desk)
    svc.move_in_open(unit=site_a.units[1], actor=desk, now=T0)
    row = next(r for r in desk_by_building([site_a.site.pk]) if r["building"] == site_a.building)
    assert (row["total"], row["handed"], row["in_progress"], row["pending"], row["with_defects"]) == (3, 1, 1, 1, 1)
    client.force_login(desk)
    page = client.get(reverse("handover:desk")).content.decode()
    assert keyed_unit.code in page
    resp = client.get(reverse("handover:move_in_pack", args=[done.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    client.force_login(site_b.users["front_desk"])
    assert client.get(reverse("handover:move_in", args=[done.pk])).status_code == 404
    assert client.post(reverse("handover:move_in_step", args=[done.pk, "utilities"]),
                       {"utilities": "x"}).status_code == 404


# SPEC H-02: a step posted out of order through the page is refused and nothing changes
def test_step_view_out_of_order(client, site_a, keyed_unit):
    desk = _desk(site_a)
    mi = svc.move_in_open(unit=keyed_unit, actor=desk, now=T0)
    client.force_login(desk)
    resp = client.post(reverse("handover:move_in_step", args=[mi.pk, "keys"]),
                       {"signer_name": "王", "signed_on_paper": "on"})
    assert resp.status_code == 400
    assert MoveIn.objects.get(pk=mi.pk).step == S.IDENTITY
    resp = client.post(reverse("handover:move_in_step", args=[mi.pk, "identity"]),
                       {"resident": site_a.residents[0].pk, "id_number": site_a.residents[0].id_number,
                        "identity_doc": "身份证"})
    assert resp.status_code == 302 and MoveIn.objects.get(pk=mi.pk).step == S.FEES
    _ = timedelta
