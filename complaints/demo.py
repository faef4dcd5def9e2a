"""Demo complaints at every stage at both demo sites; one emergency escalated to the executive (C-05).

Driven through the services with past times, and the deadline sweep run at those times, so the
history, clocks, escalations and notifications are what the real flow would have produced.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from complaints.models import Category, Cause, ChainDecision, Complaint, ComplaintReport, ReplyMethod, Severity
from complaints.services import (
    analysis_decide,
    analysis_submit,
    complaint_accept,
    complaint_action_done,
    complaint_callback_record,
    complaint_cause_record,
    complaint_chain_decide,
    complaint_confirm,
    complaint_contact,
    complaint_finish,
    complaint_notify_department,
    complaint_propose,
    complaint_receive,
    complaint_register,
    complaint_reply_record,
    complaint_report_file,
    complaint_report_handled,
    month_records_open,
)
from core.deadlines import deadline_breach_due
from estates.models import Department, Site, Staff


def _staff(username: str) -> Staff | None:
    user = get_user_model().objects.filter(username=username).first()
    return getattr(user, "staff", None) if user else None


def seed(*, now: datetime, stdout=None) -> None:
    if Complaint.objects.filter(number__startswith="TS").exists():
        if stdout:
            stdout.write("complaints: demo complaints exist, skipped")
        return
    for code in ("SSTY", "LYXQ"):
        site = Site.objects.filter(code=code).first()
        if site is None:
            continue
        _seed_site(site, now=now, emergency=code == "SSTY")
    if stdout:
        stdout.write(f"complaints: {Complaint.objects.count()} demo complaints")


def _seed_site(site: Site, *, now: datetime, emergency: bool) -> None:
    p = site.code.lower()
    st = {r: _staff(f"{p}_{r}") for r in ("front_desk", "security_officer", "dept_staff", "dept_supervisor",
                                           "center_head", "site_director", "cs_supervisor", "zone_staff")}
    if not st["front_desk"] or not st["center_head"]:
        return
    units = list(site.units.select_related("building").order_by("pk")[:20])
    residents = {u.pk: u.residents.first() for u in units}
    dept = {k: Department.objects.filter(site=site, kind=k).first() for k in Department.Kind.values}
    eng = dept["engineering"]
    dept_actor = st["dept_supervisor"] or st["center_head"]

    def receive(i: int, subject: str, *, actor: str = "front_desk", hours_ago: float = 30, **kw) -> Complaint:
        t = now - timedelta(hours=hours_ago)
        u = units[i % len(units)]
        return complaint_receive(site=site, actor=st[actor] or st["front_desk"], subject=subject, unit=u,
                                 resident=residents.get(u.pk), received_at=t, now=t,
                                 description=kw.pop("description", subject), **kw)

    def classify(c: Complaint, category: str, department, *, hours_after: float = 1, days: int = 2,
                 severity: str = Severity.NORMAL, valid: bool = True, explanation: str = "",
                 confirm: bool = True) -> Complaint:
        t = c.received_at + timedelta(hours=hours_after)
        kw = dict(is_valid=valid, category=category, severity=severity, department=department,
                  handling_deadline=t + timedelta(days=days) if valid else None, explanation=explanation)
        complaint_contact(complaint=c, actor=st["front_desk"], note="已电话联系业主", reply=True,
                          now=t - timedelta(minutes=30))
        complaint_propose(complaint=c, actor=st["front_desk"], now=t, **kw)
        if confirm:
            complaint_confirm(complaint=c, actor=st["center_head"], now=t + timedelta(minutes=40), **kw)
        c.refresh_from_db()
        return c

    # received by a security guard, not yet at the front desk (C-01)
    receive(0, "夜间地下车库照明不足", actor="security_officer", hours_ago=3)
    # registered, waiting for classification
    c = receive(1, "小区东门道闸反应慢", actor="dept_staff", hours_ago=5)
    complaint_register(complaint=c, actor=st["front_desk"], now=c.received_at + timedelta(hours=1))
    # proposed, waiting for the head's confirmation
    classify(receive(2, "楼道堆放杂物无人清理", hours_ago=8), Category.CLEANING, dept["cleaning"], confirm=False)
    # dispatched, department answered it will be late
    c = classify(receive(3, "屋顶防水层渗漏", hours_ago=20), Category.ENGINEERING, eng, days=5)
    complaint_accept(complaint=c, actor=dept_actor, will_be_late=True, late_reason="需等待防水材料到货",
                     expected_at=now + timedelta(days=3), now=c.confirmed_at + timedelta(hours=1))
    # finished, feedback to the front desk due
    c = classify(receive(4, "单元门禁刷卡失灵", hours_ago=6), Category.ENGINEERING, eng)
    complaint_finish(complaint=c, actor=dept_actor, result="已更换读卡器", now=now - timedelta(hours=1))
    # handled, callback due (C-09)
    c = classify(receive(5, "绿化带杂草过高", hours_ago=40), Category.GREENING, dept["greening"])
    complaint_report_handled(complaint=c, actor=st["center_head"], result="已修剪", now=now - timedelta(hours=10))
    # invalid and explained (C-03)
    classify(receive(6, "邻居装修噪音", hours_ago=50), Category.NEIGHBOURS, None, valid=False,
             explanation="装修时间符合管理规约，已向业主解释并协调邻居")
    # closed after a satisfied callback, with its cause, corrective action and written reply (C-13)
    c = classify(receive(7, "电梯按钮失灵", hours_ago=90), Category.ENGINEERING, eng)
    complaint_report_handled(complaint=c, actor=dept_actor, result="已维修", now=c.received_at + timedelta(hours=20))
    complaint_cause_record(complaint=c, actor=dept_actor, cause_kind=Cause.FACILITY, cause="按钮触点老化",
                           corrective_action="全小区电梯按钮排查，老化件统一更换", action_owner=dept_actor,
                           action_due=(c.received_at + timedelta(days=14)).date(),
                           now=c.received_at + timedelta(hours=22))
    complaint_action_done(complaint=c, actor=dept_actor, note="已排查 12 部电梯",
                          now=c.received_at + timedelta(hours=26))
    complaint_reply_record(complaint=c, actor=st["front_desk"],
                           reply_text="您反映的电梯按钮失灵已修复，并已排查全部电梯。",
                           reply_on=(c.received_at + timedelta(hours=24)).date(), reply_method=ReplyMethod.MESSAGE,
                           now=c.received_at + timedelta(hours=24))
    complaint_callback_record(complaint=c, actor=st["front_desk"], result="satisfied", note="业主满意",
                              number_dialled=c.phone or site.phone or "0755-00000000",
                              now=c.received_at + timedelta(hours=30))
    # reopened after an unsatisfied callback, one level up (C-09, C-06)
    c = classify(receive(8, "收费标准解释不清", hours_ago=70), Category.FEES, dept["finance"] or eng)
    complaint_report_handled(complaint=c, actor=st["center_head"], result="已解释",
                             now=c.received_at + timedelta(hours=8))
    complaint_callback_record(complaint=c, actor=st["front_desk"], result="unsatisfied", note="仍不认可",
                              number_dialled=c.phone or site.phone or "0755-00000000",
                              now=c.received_at + timedelta(hours=30))
    # a major matter, starts at the site director (C-06)
    classify(receive(9, "外墙瓷砖脱落", hours_ago=12), Category.DEVELOPER, eng, severity=Severity.MAJOR, days=7)
    # praise (C-11)
    receive(10, "保安拾金不昧，表扬", actor="front_desk", hours_ago=26, kind=Complaint.Kind.PRAISE)
    if emergency:
        _emergency(site, st, units, eng, now=now)
    _emergency_resolved_on_site(site, st, units, now=now)
    # C-10 / C-16: last month's analysis (written, and at 山水庭苑 approved by the director in his own login)
    # and responsibility review (open, due by the 10th)
    month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    month_records_open(site=site, month=month, now=now)
    written = now - timedelta(days=max(now.day - 4, 0))
    row = analysis_submit(site=site, month=month, causes="维修响应慢占比最高；部分投诉因沟通不到位。",
                          proposals="增加夜间维修值班；前台首问责任制培训。", actor=st["center_head"], now=written)
    if emergency and st["site_director"]:
        analysis_decide(analysis=row, actor=st["site_director"], approve=True, note="同意",
                        now=written + timedelta(hours=2))


def _emergency_resolved_on_site(site: Site, st: dict, units: list, *, now: datetime) -> None:
    """C-05: an elevator entrapment the site head judged resolvable on site at 4 minutes (the chain stops)."""
    head = st["site_director"] or st["center_head"]
    t0 = now - timedelta(hours=5)
    c = complaint_receive(site=site, actor=st["front_desk"], subject="电梯困人", description="5号楼电梯困 2 人",
                          unit=units[1 % len(units)], severity=Severity.EMERGENCY, received_at=t0, now=t0)
    complaint_chain_decide(complaint=c, actor=head, decision=ChainDecision.Decision.RESOLVABLE,
                           reason="维保人员 10 分钟内到场", now=t0 + timedelta(minutes=4))


def _emergency(site: Site, st: dict, units: list, eng, *, now: datetime) -> None:
    """C-05: an emergency not resolved on site, then not by the company leader → executive."""
    t0 = now - timedelta(hours=3)
    c = complaint_receive(site=site, actor=st["security_officer"] or st["front_desk"], subject="地下室水管爆裂",
                          description="B2 层水管爆裂，水漫入配电间", unit=units[0], severity=Severity.EMERGENCY,
                          received_at=t0, now=t0)
    complaint_notify_department(complaint=c, actor=st["security_officer"] or st["front_desk"], department=eng,
                                category=Category.ENGINEERING, now=t0 + timedelta(minutes=2))
    deadline_breach_due(now=t0 + timedelta(minutes=5))  # not resolved on site → company leader
    deadline_breach_due(now=t0 + timedelta(minutes=15))  # not resolved by the leader → executive
    c.refresh_from_db()
    complaint_report_file(complaint=c, actor=st["site_director"] or st["center_head"],
                          kind=ComplaintReport.Kind.COMPANY, title="地下室水管爆裂事件报告",
                          text="事件经过、已采取措施、影响范围与后续安排。", now=t0 + timedelta(hours=2))
