"""Demo work orders: a few hundred at both demo sites in every state, some overdue.

Created through the services with past `now`, so numbers, clocks and history are real. Idempotent:
a site that already has work orders is skipped.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction

from callbacks.models import Callback
from callbacks.services import callback_attempt_record
from core.approvals import approval_decide
from core.deadlines import deadline_breach_due
from core.errors import DomainError
from estates.models import Department, Site, Staff
from tickets import services
from tickets.models import Category, PriceItem, WorkOrder

CONTENTS = {
    "drain": ["厨房下水道堵塞", "卫生间马桶堵塞，无法冲水", "阳台地漏反水"],
    "pipe-leak": ["卫生间水管接头漏水", "厨房水龙头下方水管渗水"],
    "lamp": ["客厅吸顶灯不亮", "楼道灯管闪烁需更换"],
    "door-lock": ["入户门锁芯损坏，钥匙打不开", "单元门门禁锁失灵"],
    "movein-cleaning": ["业主下周入住，申请入住前清洁"],
    "repair": ["卧室墙面开裂", "窗户把手松动", "热水器无法点火", "卫生间瓷砖空鼓"],
    "cleaning": ["楼道有装修垃圾未清运", "电梯厅地面油污"],
    "order": ["地下车库有车辆占用消防通道", "夜间楼下噪音扰民"],
    "greening": ["小区花坛树枝遮挡窗户需修剪"],
    "em-water": ["楼上跑水，天花板滴水"],
    "em-lift": ["3栋电梯困人"],
}


def _staff(site: Site, role: str) -> Staff | None:
    return Staff.objects.filter(site=site, user__groups__name=role).select_related("user", "department").first()


def _seed_site(site: Site, now: datetime, rng: random.Random, count: int) -> int:
    fd = _staff(site, "front_desk")
    # SPEC T-07: only an engineering supervisor checks charges
    sup = (Staff.objects.filter(site=site, user__groups__name="dept_supervisor", department__kind="engineering")
           .select_related("user", "department").first() or _staff(site, "dept_supervisor"))
    worker = Staff.objects.filter(site=site, user__groups__name="dept_staff",
                                  department__kind="engineering").first() or _staff(site, "dept_staff")
    cs_sup, head = _staff(site, "cs_supervisor"), _staff(site, "center_head")
    if not (fd and sup and worker and cs_sup and head):
        return 0
    cats = {c.code: c for c in Category.objects.filter(code__in=CONTENTS)}
    residents = list(site.residents.filter(is_active=True).select_related("unit")[:400])
    price = PriceItem.objects.filter(site__isnull=True, department_kind="engineering").first()
    made = reworked = 0
    for _i in range(count):
        code = rng.choice(list(CONTENTS))
        cat = cats[code]
        received = now - timedelta(days=rng.uniform(0, 40), hours=rng.uniform(0, 8))
        res = rng.choice(residents) if residents else None
        stage = rng.choices(["registered", "dispatched", "on_site", "completed", "returned", "closed", "rework",
                             "cancelled", "unresolvable"], weights=[8, 14, 6, 10, 8, 40, 4, 5, 5])[0]
        try:
            with transaction.atomic():
                o = services.work_order_register(site=site, category=cat, content=rng.choice(CONTENTS[code]),
                                                 actor=fd.user, now=received, resident=res,
                                                 channel=rng.choice(WorkOrder.Channel.values))
                made += 1
                if stage == "registered":
                    continue
                if stage == "cancelled":
                    services.work_order_cancel(order=o, actor=fd.user, reason="业主已自行处理",
                                               now=received + timedelta(minutes=20))
                    continue
                t = received + timedelta(minutes=rng.randint(1, 30))
                assignee = worker if (o.department_id == worker.department_id) else None
                o = services.work_order_dispatch(order=o, actor=sup.user if assignee else head.user, assignee=assignee,
                                                 now=t)
                if stage == "dispatched":
                    _ask_extension(o, fd, head, rng, t + timedelta(hours=1), now)
                    continue
                if stage == "unresolvable":
                    signer = head if o.department.kind in ("security", "cleaning") else sup
                    services.work_order_return_unresolvable(order=o, actor=signer.user,
                                                            reason="属业主自有设备，非物业维修范围",
                                                            explanation="已电话向业主说明", now=t + timedelta(hours=3))
                    continue
                t += timedelta(hours=rng.uniform(0.5, 30))
                if t > now:
                    continue
                o = services.work_order_arrive(order=o, actor=head.user, now=t)
                if stage == "on_site":
                    continue
                done = t + timedelta(hours=rng.uniform(0.5, 3))
                if done > now:
                    continue
                paid = price is not None and rng.random() < 0.2 and o.department.kind == "engineering"
                o = services.work_order_complete(
                    order=o, actor=head.user, arrived_at=t, finished_at=done, cause="使用年久老化",
                    work_done="已维修处理", labour_hours=rng.choice([1, 1.5, 2]), prep_hours=0.5,
                    materials=[("配件", "1", "个")], charges=[(price, 1)] if paid else [], price_told=paid, now=done)
                if paid:
                    services.work_order_charges_check(order=o, actor=sup.user, now=done)
                    services.work_order_charges_approve(order=o, actor=cs_sup.user, now=done)
                if stage == "completed":
                    continue
                if o.assignee_id is None:
                    continue
                o = services.work_order_evaluate(order=o, actor=fd.user, evaluation=rng.choice(
                    ["satisfied", "satisfied", "basic"]), signer_name=res.name if res else "业主", signed_on_paper=True,
                    now=done + timedelta(hours=1))
                if stage == "rework":
                    o = services.work_order_rework(order=o, actor=fd.user, reason="业主反映仍有问题",
                                                   now=done + timedelta(hours=2))
                    again = done + timedelta(hours=5)
                    reworked += 1
                    if reworked % 2 and again <= now:  # entered again; the first entry's rows stay, voided
                        services.work_order_complete(
                            order=o, actor=head.user, arrived_at=again - timedelta(hours=1), finished_at=again,
                            cause="配件松动", work_done="重新紧固并更换配件", labour_hours=1, prep_hours=0.5,
                            materials=[("配件", "2", "个")], charges=[], price_told=False, now=again)
                    continue
                back = done + timedelta(hours=rng.uniform(2, 20))
                if back > now:
                    continue
                o = services.work_order_receipt_accept(order=o, actor=fd.user, now=back)
                if stage == "closed":
                    _callback_done(o, fd, back + timedelta(hours=5))
        except DomainError:
            continue
    return made + _seed_issue15(site, now, fd, head, cats, residents)


def _ask_extension(o: WorkOrder, fd: Staff, head: Staff, rng: random.Random, at: datetime, now: datetime) -> None:
    """SPEC T-05/T-18: some open orders wait for the head's decision on an extension (his approvals page),
    some were approved by him in his own login."""
    if at > now or o.due_at is None or rng.random() > 0.3:
        return
    req = services.work_order_extend(order=o, actor=fd.user, new_due_at=o.due_at + timedelta(days=2),
                                     reason="配件需向厂家订购", resident_consent=True, consent_note="电话征得业主同意",
                                     resident_caused=o.department.kind in ("security", "cleaning"), now=at)
    if rng.random() < 0.5 and at + timedelta(hours=1) <= now:
        approval_decide(request=req, actor=head.user, approve=True, note="同意", now=at + timedelta(hours=1))


def _seed_issue15(site: Site, now: datetime, fd: Staff, head: Staff, cats: dict, residents: list) -> int:
    """Issue 15: a burst pipe worked first and registered afterwards (T-03); capability checks (T-17)."""
    if not residents or "pipe-leak" not in cats:
        return 0
    eng = Department.objects.filter(site=site, kind="engineering").first()
    try:
        with transaction.atomic():
            call = now - timedelta(hours=5)
            services.work_order_register_late(
                site=site, category=cats["pipe-leak"], content="夜间管井跑水，值班工程人员先行关阀抢修",
                actor=fd.user, resident=residents[0], received_at=call, arrived_at=call + timedelta(minutes=12),
                completed_at=call + timedelta(hours=2), department=eng, work_done="更换管井阀门",
                labour_hours=2, now=now)
            services.capability_refer(site=site, content="业主要求整体更换中央空调主机", actor=fd.user,
                                      resident=residents[1 % len(residents)], question="工程部能否承接整机更换？",
                                      now=now - timedelta(hours=1))
            declined = services.capability_refer(site=site, content="业主要求代为维修私家车", actor=fd.user,
                                                 resident=residents[2 % len(residents)], now=now - timedelta(days=2))
            services.capability_decline(referral=declined, actor=head.user, reason="不属于物业服务范围",
                                        told_resident="负责人当日电话告知业主，建议联系汽修店",
                                        now=now - timedelta(days=2) + timedelta(hours=2))
    except DomainError:
        return 0
    return 1


def _callback_done(order: WorkOrder, fd: Staff, at: datetime) -> None:
    """Close the callback through the callbacks app (its outcome hook closes the order)."""
    try:

        cb = Callback.objects.filter(subject_id=order.pk, kind="ticket", status="open").first()
        if cb is not None:
            callback_attempt_record(callback=cb, actor=fd.user, method="phone", result="satisfied",
                                    number_dialled=order.phone or "13800000000", now=at)
            return
    except (ImportError, DomainError):
        pass
    services.work_order_callback_outcome(order=order, result="satisfied", actor=fd.user, now=at)


def seed(*, now: datetime, stdout) -> None:
    rng = random.Random(20261123)
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        if site is None or WorkOrder.objects.filter(site=site).exists():
            continue
        n = _seed_site(site, now, rng, 180)
        stdout.write(f"tickets: {n} work orders at {site.name}")
    # record the breaches of past clocks (overdue orders get chased) as the sweep would have
    deadline_breach_due(now=now)
