"""Demo takeover and move-ins at the demo sites (SPEC H-01..H-03). Idempotent; a step the demo data cannot
satisfy (e.g. an owner without a valid ID number on record) ends that walk with a note."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from core.errors import DomainError
from estates.models import Site, Staff
from handover import services as svc
from handover.models import Scope, Takeover
from keys import services as key_svc
from keys.models import KeyApproval, KeyCabinet, KeyDeposit

SITE_CODES = ("SSTY", "LYXQ")


def _staff(code: str, role: str) -> Staff | None:
    return Staff.objects.filter(user__username=f"{code.lower()}_{role}").select_related("user").first()


def _results(scope: str, fail: dict[int, str] | None = None) -> dict[int, dict]:
    fail = fail or {}
    return {item.pk: {"passed": i not in fail, "note": fail.get(i, "")} for i, item in enumerate(svc.items_of(scope))}


def seed(*, now: datetime | None = None, stdout: Any = None) -> None:
    now = now or timezone.now()
    for code in SITE_CODES:
        site = Site.objects.filter(code=code).first()
        if site is None or Takeover.objects.filter(site=site).exists():
            continue
        try:
            _seed_site(site, now=now)
        except DomainError as err:
            if stdout:
                stdout.write(f"handover: {code} demo stopped: {err.message}")
        if stdout:
            stdout.write(f"handover: demo takeover and move-ins for {code}")


def _seed_site(site: Site, *, now: datetime) -> None:
    c = site.code
    cs, head, desk = _staff(c, "cs_supervisor"), _staff(c, "center_head"), _staff(c, "front_desk")
    if not (cs and head and desk):
        return
    t0 = now - timedelta(days=40)
    t = svc.takeover_register(site=site, developer="嘉华房地产开发有限公司", notified_on=timezone.localdate(t0),
                              scope_note="三期 8、9 号楼及公共配套", actor=cs.user, now=t0)
    docs = list(t.documents.all())
    svc.takeover_documents_record(takeover=t, actor=cs.user, now=t0, lines={
        d.item_id: {"received": i not in (2, 7), "copies": 1, "note": "" if i not in (2, 7) else "开发商承诺补交"}
        for i, d in enumerate(docs)})
    t = svc.takeover_reply(takeover=t, actor=cs.user, now=t0 + timedelta(days=1),
                           text="经核对，移交资料基本齐全，尚缺物业综合验收合格证书及隐蔽工程验收签证，请于15日内补交。")
    t1 = t0 + timedelta(days=3)
    svc.inspection_record(site=site, scope=Scope.PUBLIC, takeover=t, actor=cs.user, now=t1,
                          building=site.buildings.order_by("number").first(),
                          results=_results(Scope.PUBLIC, {6: "地下车库道闸识别不灵敏"}),
                          due_at=t1 + timedelta(days=20), reinspect_on=timezone.localdate(t1 + timedelta(days=21)))
    units = list(site.units.filter(move_ins__isnull=True, key_deposits__isnull=True).order_by("code")[:4])
    if len(units) < 3:
        return
    failed = svc.inspection_record(site=site, scope=Scope.UNIT, takeover=t, unit=units[2], actor=cs.user, now=t1,
                                   results=_results(Scope.UNIT, {1: "客厅墙面裂缝", 11: "卫生间地面渗水"}),
                                   due_at=t1 + timedelta(days=14),
                                   reinspect_on=timezone.localdate(t1 + timedelta(days=15)))
    d1, d2 = list(failed.defects.order_by("id"))
    svc.defect_rectified(defect=d1, note="开发商已修补墙面", actor=cs.user, now=t1 + timedelta(days=10))
    svc.defect_reinspect(defect=d1, passed=True, note="复验合格", actor=cs.user, now=t1 + timedelta(days=12))
    _ = d2  # stays with the developer past its date: overdue on the dashboard
    passed = svc.inspection_record(site=site, scope=Scope.UNIT, takeover=t, unit=units[0], actor=cs.user, now=t1,
                                   results=_results(Scope.UNIT))
    svc.inspection_record(site=site, scope=Scope.UNIT, takeover=t, unit=units[1], actor=cs.user, now=t1,
                          results=_results(Scope.UNIT))
    svc.takeover_accept(takeover=t, actor=head.user, now=t1 + timedelta(days=1))
    _keys_and_move_in(site, passed, units, now=now, t1=t1)


def _keys_and_move_in(site: Site, passed, units, *, now: datetime, t1: datetime) -> None:
    c = site.code
    cs, head, desk = _staff(c, "cs_supervisor"), _staff(c, "center_head"), _staff(c, "front_desk")
    sec, officer = _staff(c, "security_supervisor"), _staff(c, "security_officer")
    cabinet = KeyCabinet.objects.filter(site=site, custodian=desk).first()
    if cabinet is None or sec is None or officer is None:
        return
    used = set(KeyDeposit.objects.filter(slot__cabinet=cabinet, status__in=KeyDeposit.IN_CUSTODY)
               .values_list("slot_id", flat=True))
    slot = cabinet.slots.exclude(pk__in=used).order_by("number").first()
    if slot is None:
        return
    dep = svc.takeover_keys_receive(inspection=passed, key_description="入户门钥匙", key_count=3, actor=cs.user,
                                    now=t1 + timedelta(hours=2))
    key_svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_PROPERTY, actor=head.user, now=t1)
    key_svc.key_deposit_approve(deposit=dep, kind=KeyApproval.Kind.DEPOSIT_SECURITY, actor=sec.user, now=t1)
    key_svc.key_deposit_store(deposit=dep, slot=slot, seal_number=f"{c}-JG-0001", actor=desk.user, witness=officer,
                              now=t1 + timedelta(hours=3))
    # a move-in walked as far as the demo owner's data allows, and one just opened
    svc.move_in_open(unit=units[1], actor=desk.user, now=now - timedelta(days=1))
    mi = svc.move_in_open(unit=units[0], actor=desk.user, now=now - timedelta(days=2))
    owner = mi.resident
    if owner is None:
        return
    at = now - timedelta(days=2)
    mi = svc.move_in_identity(move_in=mi, resident=owner, id_number=owner.id_number, identity_doc="居民身份证",
                              actor=desk.user, now=at)
    mi = svc.move_in_fees(move_in=mi, lines=[("物业服务费（首期三个月）", "1074.00"), ("垃圾清运费", "60.00")],
                          method="mobile", actor=desk.user, now=at)
