"""Demo key custody (SPEC §6): a cabinet per demo site with keys in every state, one overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.deadlines import deadline_breach_due
from estates.models import Site, Staff
from keys import services as svc
from keys.models import KeyApproval, KeyCabinet

SITE_CODES = ("SSTY", "LYXQ")
# a one-pixel PNG standing in for a signature drawn on the pad
DEMO_SIGNATURE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
                  "AAAABJRU5ErkJggg==")


def _staff(code: str, role: str) -> Staff:
    return Staff.objects.select_related("user").get(user__username=f"{code.lower()}_{role}")


def seed(*, now: datetime, stdout=None) -> None:
    for code in SITE_CODES:
        site = Site.objects.filter(code=code).first()
        if site is None or KeyCabinet.objects.filter(site=site).exists():
            continue
        _seed_site(site, now=now)
        if stdout:
            stdout.write(f"keys: demo cabinet for {code}")
    # the overdue key is noticed by the sweep, as the beat would
    deadline_breach_due(now=now)


def _seed_site(site: Site, *, now: datetime) -> None:
    c = site.code
    desk, zone, officer = _staff(c, "front_desk"), _staff(c, "zone_staff"), _staff(c, "security_officer")
    head, sec = _staff(c, "center_head").user, _staff(c, "security_supervisor").user
    t0 = now - timedelta(days=20)
    cabinet = svc.key_cabinet_create(site=site, name="1号钥匙柜", slots=40, custodian=desk,
                                     location="客服中心值班室", now=t0)
    slots = iter(cabinet.slots.order_by("number"))
    units = list(site.units.order_by("code")[:12])
    seal_no = iter(range(1, 1000))

    def seal() -> str:
        return f"{c}-FZ-{next(seal_no):04d}"

    def deposit(i: int, reason: str = "resident", desc: str = "入户门钥匙", at: datetime = t0):
        return svc.key_deposit_register(site=site, unit=units[i], reason=reason, key_description=desc, key_count=2,
                                        actor=zone.user, now=at)

    def approve(d, at: datetime = t0):
        svc.key_deposit_approve(deposit=d, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=head, now=at)
        return svc.key_deposit_approve(deposit=d, kind=KeyApproval.Kind.DEPOSIT_SECURITY, actor=sec, now=at)

    def store(d, at: datetime = t0):
        return svc.key_deposit_store(deposit=approve(d, at), slot=next(slots), seal_number=seal(), actor=desk.user,
                                     witness=officer, now=at)

    def use(d, out_at: datetime, hours: float, purpose: str):
        u = svc.key_use_request(deposit=d, purpose=purpose, work_order_number="", actor=zone.user,
                                planned_out=out_at, planned_return=out_at + timedelta(hours=hours),
                                now=out_at - timedelta(hours=1))
        svc.key_use_approve(use=u, kind=KeyApproval.Kind.USE_PROPERTY, actor=head, now=out_at - timedelta(minutes=40))
        svc.key_use_approve(use=u, kind=KeyApproval.Kind.USE_SECURITY, actor=sec, now=out_at - timedelta(minutes=30))
        u = svc.key_use_take_out(use=u, property_staff=zone, security_staff=officer, actor=desk.user,
                                 contractor_lead="王师傅", now=out_at)
        # SPEC K-04: each signs the entry record in his own login; the contractor's lead draws his signature
        svc.key_use_sign_entry(use=u, actor=zone.user, now=out_at)
        return svc.key_use_sign_entry(use=u, actor=officer.user, contractor_signature=DEMO_SIGNATURE, now=out_at)

    # awaiting approval; half-approved; approved but not yet sealed
    deposit(0, desc="入户门钥匙、信报箱钥匙", at=now - timedelta(hours=3))
    half = deposit(1, reason="developer", desc="交房钥匙（未入住）", at=now - timedelta(hours=2))
    svc.key_deposit_approve(deposit=half, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=head,
                            now=now - timedelta(hours=1))
    approve(deposit(2, at=now - timedelta(days=1)), at=now - timedelta(hours=20))
    # stored, with a past use returned in time
    stored = store(deposit(3))
    store(deposit(4, reason="developer", desc="交房钥匙（未入住）"))
    past = use(stored, t0 + timedelta(days=2, hours=1), 2, "厨房水管渗漏维修")
    svc.key_use_item_add(use=past, description="客厅茶几移至餐厅", actor=zone.user, now=past.taken_out_at)
    for item in past.items.all():
        svc.key_use_item_put_back(item=item, actor=officer.user, now=past.taken_out_at + timedelta(minutes=50))
    svc.key_use_return(use=past, seal_number=seal(), sealer=zone, witness=officer, actor=desk.user,
                       now=past.taken_out_at + timedelta(minutes=80))
    # out now, due back later
    svc.key_use_request(deposit=store(deposit(5)), purpose="检查卫生间漏水", actor=zone.user,
                        planned_out=now + timedelta(hours=1), planned_return=now + timedelta(hours=3), now=now)
    use(store(deposit(6)), now - timedelta(minutes=20), 2, "更换燃气表")
    # OVERDUE: taken out with a planned return already past (swept in seed())
    use(store(deposit(7)), now - timedelta(hours=3), 1, "阳台排水管疏通")
    # returned to the resident against signature; cancelled
    back = store(deposit(8))
    svc.key_deposit_return_to_resident(deposit=back, signer_name=back.depositor_name or "业主", signed_on_paper=True,
                                       actor=desk.user, now=now - timedelta(days=5))
    svc.key_deposit_cancel(deposit=deposit(9, at=now - timedelta(days=3)), reason="业主改为自行保管",
                           actor=zone.user, now=now - timedelta(days=3))
    # a weekly check with one broken seal, waiting for the site director's finding
    rec_lines = {d.pk: {"present": True, "seal_intact": True, "seal_number_seen": d.seal_number}
                 for d in svc.reconciliation_candidates(site.pk) if d.status == "stored"}
    broken = store(deposit(10))
    rec_lines[broken.pk] = {"present": True, "seal_intact": False, "seal_number_seen": broken.seal_number,
                            "note": "封条边缘破损"}
    svc.key_reconciliation_record(site=site, lines=rec_lines, actor=sec, now=now - timedelta(days=1))
