"""Demo renovations (issue 17 part 10): one in every state, one active with a violation and a deduction,
one whose patrol is overdue, one closed with its deposit refunded minus a deduction."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from core.deadlines import deadline_breach_due
from core.validators import id_check_char
from estates.models import Resident, Site, Staff
from renovation import services as svc
from renovation.models import ChecklistItem, Document, Renovation, SiteRenovationSetting

SITE_CODES = ("SSTY", "LYXQ")
WORKERS = [("李建国", "11010519491231002"), ("王志强", "32010219900515331"), ("张海涛", "44030519800101123")]


def _user(code: str, role: str):
    return Staff.objects.select_related("user").get(user__username=f"{code.lower()}_{role}").user


def _png(label: str) -> SimpleUploadedFile:
    img = Image.new("RGB", (120, 160), (210, 225, 240))
    ImageDraw.Draw(img).rectangle((35, 30, 85, 90), fill=(120, 140, 170))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(f"{label}.png", buf.getvalue(), content_type="image/png")


def _pdf(label: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{label}.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def _id(body17: str) -> str:
    return body17 + id_check_char(body17)


def seed(*, now: datetime, stdout=None) -> None:
    for code in SITE_CODES:
        site = Site.objects.filter(code=code).first()
        if site is None or Renovation.objects.filter(site=site).exists():
            continue
        SiteRenovationSetting.objects.get_or_create(site=site)
        _seed_site(site, now=now)
        if stdout:
            stdout.write(f"renovation: demo renovations for {code}")
    deadline_breach_due(now=now)  # the missing patrol is noticed as the beat would


def _seed_site(site: Site, *, now: datetime) -> None:
    c = site.code
    desk, eng, head = _user(c, "front_desk"), _user(c, "dept_supervisor"), _user(c, "center_head")
    fin, sec, zone = _user(c, "finance"), _user(c, "security_officer"), _user(c, "zone_staff")
    owners = list(Resident.objects.filter(site=site, kind=Resident.Kind.OWNER, is_active=True)
                  .exclude(id_number="").filter(id_number__regex=r"^\d{17}[\dX]$").select_related("unit")
                  .order_by("unit__code")[:12])
    items = list(ChecklistItem.objects.filter(is_active=True))
    it = iter(owners)

    def register(days_ago: int, length: int = 60) -> Renovation:
        owner = next(it)
        at = now - timedelta(days=days_ago)
        ren = svc.renovation_register(
            unit=owner.unit, owner=owner, owner_id_number=owner.id_number, contractor="深圳美家装饰工程有限公司",
            contractor_licence="91440300MA5DEMO001", lead_name="陈师傅", lead_phone="13800138000",
            start_date=at.date() + timedelta(days=2), end_date=at.date() + timedelta(days=length),
            scope="厨房、卫生间翻新;客厅轻钢龙骨石膏板吊顶;更换室内门", materials="瓷砖、石膏板、防水涂料、阻燃木饰面",
            actor=desk, now=at)
        return ren

    def submit(ren: Renovation, at: datetime) -> Renovation:
        for kind in Document.REQUIRED_FOR_SUBMISSION:
            svc.document_attach(renovation=ren, kind=kind, file=_pdf(kind), actor=desk, now=at)
        for name, body in WORKERS[:2]:
            svc.worker_add(renovation=ren, name=name, id_number=_id(body[:17]), photo=_png(name), actor=desk, now=at)
        return svc.renovation_submit(renovation=ren, actor=desk, now=at)

    def review(ren: Renovation, at: datetime, failed: dict | None = None) -> None:
        failed = failed or {}
        svc.renovation_review(renovation=ren, actor=eng, now=at,
                              results={i.pk: (i.code not in failed, failed.get(i.code, "")) for i in items})

    def active(days_ago: int, length: int = 60) -> Renovation:
        at = now - timedelta(days=days_ago)
        ren = submit(register(days_ago, length), at)
        review(ren, at + timedelta(hours=3))
        svc.renovation_approve(renovation=ren, actor=head, now=at + timedelta(days=1),
                               pledges={k: _pdf(k) for k in Document.PLEDGES})
        return svc.renovation_deposit_take(renovation=ren, amount=Decimal("2000.00"), actor=desk,
                                           now=at + timedelta(days=1, hours=1))

    # registered; in review; plan to be changed (a failed item); reviewed; approved awaiting the deposit
    register(1)
    submit(register(2), now - timedelta(days=2))
    review(submit(register(3), now - timedelta(days=3)), now - timedelta(days=2),
           failed={"structure": "拆除客厅与餐厅之间的承重墙"})
    review(submit(register(4), now - timedelta(days=4)), now - timedelta(days=3))
    ren = submit(register(5), now - timedelta(days=5))
    review(ren, now - timedelta(days=4))
    svc.renovation_approve(renovation=ren, actor=head, now=now - timedelta(days=3),
                           pledges={k: _pdf(k) for k in Document.PLEDGES})

    # active, patrolled, with a violation and a deduction taken by finance; a gate entry with tools
    busy = active(20)
    for d in (2, 1, 0):
        svc.patrol_record(renovation=busy, checked="结构、防水、消防、垃圾清运、公共部位",
                          team="客服、保安、工程联合巡查", actor=zone, now=now - timedelta(days=d, minutes=30))
    v = svc.violation_record(renovation=busy, rule="common_area", description="装修材料堆放在电梯厅",
                             measure="deduction",
                             deduction_amount=Decimal("300.00"), photos=[_png("corridor")], actor=sec,
                             now=now - timedelta(days=1))
    svc.violation_deduct(violation=v, actor=fin, now=now - timedelta(days=1, hours=-2))
    svc.violation_follow_up(violation=v, note="已清理,复查合格", closes=True, actor=zone, now=now - timedelta(hours=20))
    svc.gate_enter(renovation=busy, pass_number=busy.workers.first().pass_number, tools="金刚取孔钻", actor=sec,
                   now=now - timedelta(hours=2))
    svc.change_apply(renovation=busy, kind="scope", reason="业主增加阳台封窗", new_scope=busy.scope + ";阳台封窗",
                     actor=desk, now=now - timedelta(hours=5))
    # active and never patrolled: overdue once the sweep runs
    active(6)
    # completed, awaiting the acceptance application; acceptance applied; rectification; accepted
    ren = active(40, length=30)
    svc.completion_declare(renovation=ren, actor=desk, now=now - timedelta(days=2))
    ren = active(45, length=30)
    svc.completion_declare(renovation=ren, actor=desk, now=now - timedelta(days=4))
    svc.acceptance_apply(renovation=ren, actor=desk, now=now - timedelta(days=2))
    ren = active(50, length=30)
    svc.completion_declare(renovation=ren, actor=desk, now=now - timedelta(days=6))
    svc.acceptance_apply(renovation=ren, actor=desk, now=now - timedelta(days=5))
    svc.inspection_record(renovation=ren, actor=eng, now=now - timedelta(days=4),
                          results={i.pk: (i.code != "fire_materials", "吊顶木龙骨未刷防火涂料"
                                          if i.code == "fire_materials" else "") for i in items})
    ren = active(55, length=30)
    svc.completion_declare(renovation=ren, actor=desk, now=now - timedelta(days=8))
    svc.acceptance_apply(renovation=ren, actor=desk, now=now - timedelta(days=7))
    svc.inspection_record(renovation=ren, actor=eng, now=now - timedelta(days=6),
                          results={i.pk: (True, "") for i in items})
    # closed: a deduction, then the rest refunded
    ren = active(60, length=30)
    v = svc.violation_record(renovation=ren, rule="hours", description="周日上午电钻施工", measure="deduction",
                             deduction_amount=Decimal("200.00"), actor=sec, now=now - timedelta(days=40))
    svc.violation_deduct(violation=v, actor=fin, now=now - timedelta(days=39))
    svc.completion_declare(renovation=ren, actor=desk, now=now - timedelta(days=15))
    svc.acceptance_apply(renovation=ren, actor=desk, now=now - timedelta(days=13))
    svc.inspection_record(renovation=ren, actor=eng, now=now - timedelta(days=12),
                          results={i.pk: (True, "") for i in items})
    svc.renovation_refund(renovation=ren, actor=fin, now=now - timedelta(days=11))
