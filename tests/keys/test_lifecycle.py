"""SPEC K-01..K-07: the life of a key, seals, clocks, reconciliation and the monthly summary."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.deadlines import deadline_breach_due, deadline_running
from core.errors import DomainError
from core.models import Deadline, Notification
from keys import services as svc
from keys.forms import ItemForm
from keys.models import KeyDeposit, KeyEvent, KeyIncident, KeyUse, SealRecord
from keys.selectors import key_monthly_summary
from tests.keys.conftest import SIGNATURE

pytestmark = pytest.mark.django_db


# SPEC K-01: registered → approved → sealed and stored, with the seal register and history
def test_deposit_is_sealed_and_stored(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a, seal="FZ-001", slot_no=3)
    assert dep.status == KeyDeposit.Status.STORED
    assert dep.slot.number == 3 and dep.seal_number == "FZ-001"
    seal = SealRecord.objects.get(deposit=dep)
    assert seal.reason == "initial" and seal.sealed_by == site_a.staff["front_desk"]
    kinds = list(dep.events.values_list("kind", flat=True))
    assert kinds == ["registered", "approved", "approved", "stored"]
    assert dep.resident == site_a.residents[0]


# SPEC K-06: a seal number used before is refused (at the same site), a new one is accepted
def test_seal_number_reuse_refused(site_a, site_b, cab_a, cab_b, keyflow):
    dep = keyflow.stored_key(site_a, cab_a, seal="FZ-100")
    use = keyflow.out_use(site_a, dep)
    with pytest.raises(DomainError) as err:
        svc.key_use_return(use=use, seal_number="fz-100", sealer=site_a.staff["zone_staff"],
                           witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])
    assert err.value.code == "seal_used"
    assert "FZ-100" in err.value.message or "fz-100" in err.value.message
    # the same number at another site is another register
    keyflow.stored_key(site_b, cab_b, seal="FZ-200")
    use = svc.key_use_return(use=use, seal_number="FZ-200", sealer=site_a.staff["zone_staff"],
                             witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])
    assert use.status == KeyUse.Status.RETURNED


# SPEC K-06: resealing needs two different people
def test_reseal_needs_two_people(site_a, cab_a, keyflow):
    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a))
    with pytest.raises(DomainError) as err:
        svc.key_use_return(use=use, seal_number="N-1", sealer=site_a.staff["zone_staff"],
                           witness=site_a.staff["zone_staff"], actor=site_a.users["front_desk"])
    assert err.value.code == "same_person"


# SPEC K-04, K-06: the clocks start at take-out and stop on the return; history counts minutes out
def test_return_stops_clocks_and_records_minutes(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a, seal="A-1")
    use = keyflow.out_use(site_a, dep)
    ret = deadline_running(use, "key.use.return")
    eod = deadline_running(use, "key.use.endofday")
    assert ret.due_at == use.planned_return
    assert eod is not None and eod.due_at == keyflow.T0.replace(hour=0) + timedelta(days=1)  # midnight
    later = keyflow.T0 + timedelta(minutes=95)
    svc.key_use_return(use=use, seal_number="A-2", sealer=site_a.staff["zone_staff"],
                       witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"], now=later)
    assert deadline_running(use, "key.use.return") is None and deadline_running(use, "key.use.endofday") is None
    assert set(Deadline.objects.filter(subject_id=use.pk, code__startswith="key.use").values_list("state", flat=True)) \
        == {"met"}
    dep = KeyDeposit.objects.get(pk=dep.pk)
    assert dep.status == KeyDeposit.Status.STORED and dep.seal_number == "A-2" and dep.slot.number == 1
    ev = dep.events.get(kind=KeyEvent.Kind.RESEALED)
    assert ev.data["minutes_out"] == 95 and ev.data["changes"]["seal_number"] == ["A-1", "A-2"]
    assert SealRecord.objects.get(seal_number="A-1").broken_at == keyflow.T0  # opened at take-out


# SPEC K-06: out past the planned return → alert; not back at the end of the day → site director
def test_overdue_alert_and_end_of_day_escalation(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a)
    use = keyflow.out_use(site_a, dep, planned_return=keyflow.T0 + timedelta(hours=1))
    with time_machine.travel(keyflow.T0 + timedelta(hours=1, minutes=1), tick=False):
        deadline_breach_due(now=keyflow.T0 + timedelta(hours=1, minutes=1))
    use = KeyUse.objects.get(pk=use.pk)
    assert use.overdue_at is not None and use.escalated_at is None
    alerted = set(Notification.objects.filter(subject_id=use.pk, kind="alert").values_list("recipient_id", flat=True))
    assert alerted == {site_a.users["security_supervisor"].pk, site_a.users["center_head"].pk}
    assert dep.events.filter(kind=KeyEvent.Kind.OVERDUE).count() == 1
    # a second sweep changes nothing
    deadline_breach_due(now=keyflow.T0 + timedelta(hours=2))
    assert dep.events.filter(kind=KeyEvent.Kind.OVERDUE).count() == 1
    # SPEC K-06: "end of the day" is the calendar day: nothing at closing time, the director at midnight
    deadline_breach_due(now=keyflow.T0.replace(hour=23, minute=59))
    assert KeyUse.objects.get(pk=use.pk).escalated_at is None
    evening = keyflow.T0.replace(hour=0) + timedelta(days=1)
    deadline_breach_due(now=evening)
    use = KeyUse.objects.get(pk=use.pk)
    assert use.escalated_at == evening
    esc = Notification.objects.filter(subject_id=use.pk, kind="escalation")
    assert set(esc.values_list("recipient_id", flat=True)) == {site_a.users["site_director"].pk}
    assert esc.first().requires_ack
    assert dep.events.filter(kind=KeyEvent.Kind.ESCALATED).count() == 1


# SPEC K-06: a key back in time raises nothing
def test_back_in_time_no_alert(site_a, cab_a, keyflow):
    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a))
    svc.key_use_return(use=use, seal_number="B-2", sealer=site_a.staff["zone_staff"],
                       witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"],
                       now=keyflow.T0 + timedelta(minutes=30))
    deadline_breach_due(now=keyflow.T0.replace(hour=23))
    use = KeyUse.objects.get(pk=use.pk)
    assert use.overdue_at is None and use.escalated_at is None
    assert not Notification.objects.filter(subject_id=use.pk, kind__in=["alert", "escalation"]).exists()


def _png() -> bytes:
    from PIL import Image

    buf = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


# SPEC K-05, X-03: items moved with photos (type and size checked), put back before the return
def test_items_moved_and_put_back(site_a, cab_a, keyflow):
    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a))
    bad = ItemForm({"description": "沙发"}, {"photo": SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")})
    assert not bad.is_valid() and "photo" in bad.errors
    big = ItemForm({"description": "沙发"}, {"photo": SimpleUploadedFile("x.png", b"0" * (5 * 1024 * 1024 + 1))})
    assert not big.is_valid()
    good = ItemForm({"description": "客厅沙发移至阳台"}, {"photo": SimpleUploadedFile("s.png", _png(), "image/png")})
    assert good.is_valid(), good.errors
    item = svc.key_use_item_add(use=use, description=good.cleaned_data["description"], photo=good.cleaned_data["photo"],
                                actor=site_a.users["zone_staff"])
    assert item.photo.name.endswith(".png")
    with pytest.raises(DomainError) as err:
        svc.key_use_return(use=use, seal_number="C-2", sealer=site_a.staff["zone_staff"],
                           witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])
    assert err.value.code == "items_open"
    svc.key_use_item_put_back(item=item, actor=site_a.users["security_officer"])
    use = svc.key_use_return(use=use, seal_number="C-2", sealer=site_a.staff["zone_staff"],
                             witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])
    assert use.status == KeyUse.Status.RETURNED


# SPEC K-04: entry record signatures recorded afterwards from the paper record, with its scan
def test_entry_signatures(site_a, cab_a, keyflow):
    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a), signed=False)
    with pytest.raises(DomainError):
        svc.key_use_record_entry_signatures(use=use, signed_on_paper=True, security_signer="张保安",
                                            property_signer="", contractor_signer="王师傅",
                                            actor=site_a.users["zone_staff"])
    with pytest.raises(DomainError) as err:  # issue 15.8: the paper record needs its scan
        svc.key_use_record_entry_signatures(use=use, signed_on_paper=True, security_signer="张保安",
                                            property_signer="李客服", contractor_signer="王师傅",
                                            actor=site_a.users["zone_staff"])
    assert err.value.code == "scan_required"
    with pytest.raises(DomainError) as err:  # and the scan is judged by its content
        svc.key_use_record_entry_signatures(use=use, signed_on_paper=True, security_signer="张保安",
                                            property_signer="李客服", contractor_signer="王师傅",
                                            scan=SimpleUploadedFile("s.pdf", b"not a pdf"),
                                            actor=site_a.users["zone_staff"])
    assert err.value.code == "file_type"
    use = svc.key_use_record_entry_signatures(use=use, signed_on_paper=True, security_signer="张保安",
                                              property_signer="李客服", contractor_signer="王师傅",
                                              scan=SimpleUploadedFile("s.png", _png(), "image/png"),
                                              actor=site_a.users["front_desk"])
    assert use.entry_signed_on_paper and use.entry_contractor_signer == "王师傅"
    assert use.entry_signed and use.entry_recorded_by == site_a.users["front_desk"] and use.entry_scan
    svc.key_use_return(use=use, seal_number="P-2", sealer=site_a.staff["zone_staff"],
                       witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])


# SPEC K-04 (issue 15.8): the use cannot be closed before the entry record carries all three signatures
def test_return_needs_entry_signatures(site_a, cab_a, keyflow):
    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a), signed=False)

    def give_back():
        return svc.key_use_return(use=use, seal_number="E-2", sealer=site_a.staff["zone_staff"],
                                  witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"])

    with pytest.raises(DomainError) as err:
        give_back()
    assert err.value.code == "entry_unsigned"
    # nobody signs for someone else: the custodian at the desk is not one of the two who took it out
    with pytest.raises(DomainError) as err:
        svc.key_use_sign_entry(use=use, actor=site_a.users["front_desk"], contractor_signature=SIGNATURE)
    assert err.value.code == "not_allowed"
    # and the names alone, without the paper, are not a signature
    with pytest.raises(DomainError) as err:
        svc.key_use_record_entry_signatures(use=use, signed_on_paper=False, security_signer="张保安",
                                            property_signer="李客服", contractor_signer="王师傅",
                                            actor=site_a.users["front_desk"])
    assert err.value.code == "sign_in_own_login"
    svc.key_use_sign_entry(use=use, actor=site_a.users["zone_staff"])
    with pytest.raises(DomainError) as err:
        svc.key_use_sign_entry(use=use, actor=site_a.users["zone_staff"])
    assert err.value.code == "already_signed"
    with pytest.raises(DomainError):  # security and the contractor's lead still missing
        give_back()
    use = svc.key_use_sign_entry(use=use, actor=site_a.users["security_officer"])
    with pytest.raises(DomainError):  # the contractor's lead still missing
        give_back()
    with pytest.raises(DomainError) as err:
        svc.key_use_sign_entry(use=use, actor=site_a.users["security_officer"], contractor_signature="not a png")
    assert err.value.code == "bad_signature"
    use = svc.key_use_sign_entry(use=use, actor=site_a.users["security_officer"], contractor_signature=SIGNATURE)
    assert use.entry_signed and not use.entry_signed_on_paper
    assert use.entry_property_signer == site_a.staff["zone_staff"].name
    assert use.entry_security_signer == site_a.staff["security_officer"].name
    assert use.entry_contractor_signer == "王师傅"
    assert give_back().status == KeyUse.Status.RETURNED


# SPEC K-06 (issue 15.8): a key out at 20:00 on a Sunday escalates to the site director at 24:00 that night
def test_key_out_sunday_evening_escalates_at_midnight(site_a, cab_a, keyflow):
    sunday = keyflow.T0 - timedelta(days=1)
    assert sunday.weekday() == 6
    out_at = sunday.replace(hour=20, minute=0)
    dep = keyflow.stored_key(site_a, cab_a, now=out_at - timedelta(hours=1))
    use = keyflow.out_use(site_a, dep, now=out_at, planned_return=out_at + timedelta(hours=5))
    midnight = sunday.replace(hour=0) + timedelta(days=1)
    assert deadline_running(use, "key.use.endofday").due_at == midnight
    deadline_breach_due(now=midnight - timedelta(minutes=1))
    assert KeyUse.objects.get(pk=use.pk).escalated_at is None
    deadline_breach_due(now=midnight)
    use = KeyUse.objects.get(pk=use.pk)
    assert use.escalated_at == midnight
    esc = Notification.objects.filter(subject_id=use.pk, kind="escalation")
    assert set(esc.values_list("recipient_id", flat=True)) == {site_a.users["site_director"].pk}
    deadline_breach_due(now=midnight + timedelta(hours=1))  # exactly once
    assert dep.events.filter(kind=KeyEvent.Kind.ESCALATED).count() == 1


# SPEC K-02: a missing key or a broken seal opens an incident the site director closes with a finding
def test_reconciliation_opens_incidents(site_a, cab_a, keyflow):
    ok = keyflow.stored_key(site_a, cab_a, seal="R-1", slot_no=1)
    missing = keyflow.stored_key(site_a, cab_a, seal="R-2", slot_no=2)
    broken = keyflow.stored_key(site_a, cab_a, seal="R-3", slot_no=3)
    out = keyflow.stored_key(site_a, cab_a, seal="R-4", slot_no=4)
    keyflow.out_use(site_a, out)
    with pytest.raises(DomainError) as err:  # every key in the cabinet must be checked
        svc.key_reconciliation_record(site=site_a.site, lines={ok.pk: {}}, actor=site_a.users["security_supervisor"])
    assert err.value.code == "incomplete"
    with pytest.raises(DomainError):  # not a role that reconciles
        svc.key_reconciliation_record(site=site_a.site, lines={}, actor=site_a.users["front_desk"])
    rec = svc.key_reconciliation_record(site=site_a.site, actor=site_a.users["security_supervisor"], lines={
        ok.pk: {"present": True, "seal_intact": True, "seal_number_seen": "R-1"},
        missing.pk: {"present": False, "seal_intact": False, "seal_number_seen": ""},
        broken.pk: {"present": True, "seal_intact": False, "seal_number_seen": "R-3"},
    }, now=keyflow.T0 + timedelta(days=1))
    assert rec.lines.count() == 4
    kinds = dict(rec.incidents.values_list("deposit_id", "kind"))
    assert kinds == {missing.pk: "missing", broken.pk: "seal_broken"}
    assert Notification.objects.filter(recipient=site_a.users["site_director"], kind="escalation",
                                       subject_id__in=rec.incidents.values("pk")).count() == 2
    inc = rec.incidents.get(deposit=missing)
    for who in ("security_supervisor", "center_head"):
        with pytest.raises(DomainError):
            svc.key_incident_close(incident=inc, finding="找到了", actor=site_a.users[who])
    with pytest.raises(DomainError):
        svc.key_incident_close(incident=inc, finding=" ", actor=site_a.users["site_director"])
    inc = svc.key_incident_close(incident=inc, finding="钥匙误放3号格，已归位", actor=site_a.users["site_director"])
    assert inc.status == KeyIncident.Status.CLOSED and inc.closed_by == site_a.users["site_director"]
    assert missing.events.filter(kind__in=["incident_opened", "incident_closed"]).count() == 2


# SPEC K-02: the weekly clock per site breaches, notifies, re-arms; a reconciliation restarts it
def test_weekly_reconcile_clock(site_a, cab_a, keyflow):
    first = deadline_running(cab_a, "key.reconcile")
    assert first.due_at == keyflow.T0 + timedelta(days=7)
    deadline_breach_due(now=keyflow.T0 + timedelta(days=7, minutes=1))
    second = deadline_running(cab_a, "key.reconcile")
    assert second.pk != first.pk and second.due_at == keyflow.T0 + timedelta(days=14)
    assert Notification.objects.filter(recipient=site_a.users["security_supervisor"],
                                       deadline=first).exists()
    done = keyflow.T0 + timedelta(days=8)
    svc.key_reconciliation_record(site=site_a.site, lines={}, actor=site_a.users["security_supervisor"], now=done)
    assert deadline_running(cab_a, "key.reconcile").due_at == done + timedelta(days=7)


# SPEC K-07: returned against signature; the seal is opened and the slot is free again
def test_return_to_resident_against_signature(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a, seal="Z-1")
    with pytest.raises(DomainError) as err:
        svc.key_deposit_return_to_resident(deposit=dep, signer_name="业主甲", signed_on_paper=False,
                                           actor=site_a.users["front_desk"])
    assert err.value.code == "signature_required"
    with pytest.raises(DomainError):
        svc.key_deposit_return_to_resident(deposit=dep, signer_name="业主甲", signed_on_paper=True,
                                           actor=site_a.users["zone_staff"])  # not the custodian
    dep = svc.key_deposit_return_to_resident(deposit=dep, signer_name="业主甲", signed_on_paper=True,
                                             actor=site_a.users["front_desk"])
    assert dep.status == KeyDeposit.Status.RETURNED and dep.signer_name == "业主甲"
    assert SealRecord.objects.get(seal_number="Z-1").broken_at is not None
    # the slot takes a new key
    keyflow.stored_key(site_a, cab_a, seal="Z-2", slot_no=1)


# SPEC K-07: the monthly summary — states, uses, minutes out, overdue returns, incidents
def test_monthly_summary(site_a, site_b, cab_a, cab_b, keyflow):
    T0 = keyflow.T0
    d1 = keyflow.stored_key(site_a, cab_a, seal="M-1", slot_no=1)
    keyflow.stored_key(site_a, cab_a, seal="M-2", slot_no=2)
    keyflow.register(site_a)
    keyflow.stored_key(site_b, cab_b, seal="M-9")
    use = keyflow.out_use(site_a, d1, planned_return=T0 + timedelta(hours=1))
    deadline_breach_due(now=T0 + timedelta(hours=1, minutes=5))
    svc.key_use_return(use=use, seal_number="M-3", sealer=site_a.staff["zone_staff"],
                       witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"],
                       now=T0 + timedelta(minutes=90))
    start, end = T0.replace(day=1, hour=0), T0.replace(month=12, day=1, hour=0)
    s = key_monthly_summary(site_ids=[site_a.site.pk], start=start, end=end)
    assert s["by_state"]["stored"] == 2 and s["by_state"]["requested"] == 1 and s["in_custody"] == 2
    assert s["uses_taken_out"] == 1 and s["minutes_out"] == 90 and s["overdue_returns"] == 1
    assert s["registered"] == 3 and s["incidents_opened"] == 0
    both = key_monthly_summary(site_ids=[site_a.site.pk, site_b.site.pk], start=start, end=end)
    assert both["in_custody"] == 3


# SPEC K-07, D-02: the monthly report section shows the same numbers as the selector
def test_report_section(site_a, cab_a, keyflow):
    from reports.registry import get_section

    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a), planned_return=keyflow.T0 + timedelta(hours=1))
    deadline_breach_due(now=keyflow.T0 + timedelta(hours=2))
    section = get_section("keys")
    start, end = keyflow.T0.replace(day=1, hour=0), keyflow.T0.replace(month=12, day=1, hour=0)
    block = section.monthly(site_ids=[site_a.site.pk], start=start, end=end)
    assert block.value("uses_taken_out") == 1 and block.value("overdue_returns") == 1
    assert block.value("in_custody") == 1
    assert block.table("by_state").rows[[r[0] for r in block.table("by_state").rows].index(
        str(KeyDeposit.Status.OUT.label))][1] == 1
    dash = section.dashboard(site_ids=[site_a.site.pk], now=keyflow.T0 + timedelta(hours=2))
    assert dash.value("overdue_now") == 1
    assert use.pk


# SPEC K-03: the use is linked to its repair order (报事单) by number; an unknown number is refused
def test_use_links_work_order(site_a, site_b, cab_a, keyflow):
    from tests.tickets.helpers import register as register_order

    register_order(site_b, now=keyflow.T0)  # may carry the same number at the other site
    order = register_order(site_a, now=keyflow.T0)
    dep = keyflow.stored_key(site_a, cab_a)
    times = {"planned_out": keyflow.T0, "planned_return": keyflow.T0 + timedelta(hours=1)}
    use = svc.key_use_request(deposit=dep, purpose="维修", work_order_number=order.number,
                              actor=site_a.users["zone_staff"], **times)
    assert use.work_order == order and use.work_order.site_id == site_a.site.pk
    with pytest.raises(DomainError) as err:
        svc.key_use_request(deposit=dep, purpose="维修", work_order_number="NOPE-1",
                            actor=site_a.users["zone_staff"], **times)
    assert err.value.code == "work_order"
