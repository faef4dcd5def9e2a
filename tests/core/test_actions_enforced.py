"""Issue 14.1/14.2: every declared record action is enforced where it lives.

One generic walk over EVERY action of EVERY registry (core.actions): records of the app in the states
its steps need (site A), and every user of site A and of site B. For each action:

- some user of site A may take it on some record (the pool reaches every declared step);
- nobody of site B may (site isolation), and whoever the predicate refuses — a user of site B or a
  role of site A without the right — is refused by the SERVICE itself as well (`PermissionDenied` or a
  `DomainError` whose code says "not allowed"), called straight, past every page and view;
- the page shows the step (its card, or a form posting to its URL) exactly to the users the predicate
  allows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from core.actions import REGISTRIES, Registry, registry
from core.errors import DomainError

pytestmark = pytest.mark.django_db

APPS = ("tickets", "tickets.referral", "complaints", "callbacks", "keys.deposit", "keys.use", "surveys",
        "handover.takeover", "handover.defect", "handover.move_in", "inspections.rectification",
        "inspections.month", "renovation", "fees.reminder")
# the codes a service uses when it refuses WHO asks (not what was typed or the record's state)
REFUSAL_CODES = {"not_allowed", "other_site", "not_custodian", "no_custodian", "same_person", "wrong_role",
                 "own_request"}


class _Succeeded(Exception):
    pass


# ------------------------------------------------------------------ records in the states the steps need

def _ticket_pool(a, b):
    from estates.models import Unit
    from tests.tickets.helpers import dispatch, price, register, to_completed
    from tickets import services
    from tickets.models import Category, WorkOrder

    def upd(order, **fields):
        WorkOrder.objects.filter(pk=order.pk).update(**fields)
        return WorkOrder.objects.get(pk=order.pk)

    eng = a.depts["engineering"]
    soon = timezone.now() + dt.timedelta(days=1)
    pool = [register(a), dispatch(a, register(a))]
    pool.append(upd(dispatch(a, register(a)), due_at=soon))
    charged = to_completed(a, charges=[(price(), 1)], price_told=True)
    pool.append(charged)
    checked = services.work_order_charges_check(order=to_completed(a, charges=[(price(), 1)], price_told=True),
                                                actor=a.users["dept_supervisor"])
    pool.append(checked)
    pool.append(upd(register(a), is_warranty=True))
    pool.append(upd(register(a), status=WorkOrder.Status.DEVELOPER, department=eng))
    pool.append(upd(register(a), status=WorkOrder.Status.REINSPECTION, department=eng))
    agreement = Category.objects.filter(needs_agreement=True).first()  # dispatched once signed (T-15)
    pool += [register(a, code=agreement.code), upd(register(a, code=agreement.code), agreement_no="XY-2026-01")]
    contractor = Category.objects.filter(is_contractor=True).first()
    pool.append(dispatch(a, register(a, code=contractor.code), department=eng, contractor_name="某特约工程队"))
    security = Category.objects.filter(department_kind="security").first()  # T-14 status reports
    pool.append(dispatch(a, register(a, code=security.code), department=a.depts["security"],
                         assignee=a.staff["security_officer"]))
    Unit.objects.filter(pk=a.units[1].pk).update(occupancy=Unit.Occupancy.NOT_MOVED_IN)
    pool.append(register(a, unit=1))
    return pool


def _complaint_pool(a, b):
    from complaints.models import Category, Complaint, Severity
    from complaints.services import complaint_confirm, complaint_propose, complaint_receive

    def receive(role="front_desk", **kw):
        return complaint_receive(site=a.site, actor=a.staff[role], subject="楼道灯不亮", unit=a.units[0], **kw)

    def propose(c, severity=Severity.NORMAL):
        return complaint_propose(complaint=c, actor=a.staff["front_desk"], is_valid=True,
                                 category=Category.ENGINEERING, severity=severity, department=a.depts["engineering"],
                                 handling_deadline=timezone.now() + dt.timedelta(days=2))

    def dispatched(severity=Severity.NORMAL):
        c = propose(receive(), severity)
        return complaint_confirm(complaint=c, actor=a.staff["center_head"], is_valid=True,
                                 category=Category.ENGINEERING, severity=severity, department=a.depts["engineering"],
                                 handling_deadline=timezone.now() + dt.timedelta(days=2))

    def upd(c, **fields):
        Complaint.objects.filter(pk=c.pk).update(**fields)
        return Complaint.objects.get(pk=c.pk)

    now = timezone.now()
    return [
        receive("security_officer"), receive("security_officer", severity=Severity.EMERGENCY), receive(),
        propose(receive()), dispatched(), dispatched(Severity.EMERGENCY),
        upd(dispatched(), status=Complaint.Status.FINISHED, finished_at=now),
        upd(dispatched(), status=Complaint.Status.HANDLED, handled_at=now, resolved_at=now),
        upd(dispatched(), status=Complaint.Status.CLOSED, closed_at=now, was_late=True),
        upd(propose(receive()), status=Complaint.Status.INVALID),
        # C-13: a corrective action open, and one done (to be verified by someone else)
        upd(dispatched(), cause_kind="other", cause="原因", corrective_action="措施",
            action_owner=a.staff["dept_supervisor"], action_due=now.date()),
        upd(dispatched(), cause_kind="other", cause="原因", corrective_action="措施",
            action_owner=a.staff["dept_supervisor"], action_due=now.date(), action_done_at=now),
    ]


def _callback_pool(a, b):
    from callbacks.models import Callback
    from callbacks.services import callback_request

    cbs = [callback_request(subject=u, site_id=a.site.pk, kind="ticket", policy_code="ticket.callback", unit=u)
           for u in a.units[:2]]
    Callback.objects.filter(pk=cbs[1].pk).update(status=Callback.Status.MISMATCH_CHECK)
    return [Callback.objects.get(pk=cb.pk) for cb in cbs]


def _deposit_pool(a, b):
    from tests.keys import conftest as k

    cab = k._cabinet(a)
    return [k.register(a), k.approve_deposit(a, k.register(a)), k.stored_key(a, cab, seal="S-1", slot_no=1)]


def _use_pool(a, b):
    from keys.services import key_use_request
    from tests.keys import conftest as k

    cab = k._cabinet(a)
    requested = key_use_request(deposit=k.stored_key(a, cab, seal="S-1", slot_no=1), purpose="水管维修",
                                actor=a.users["zone_staff"], planned_out=k.T0,
                                planned_return=k.T0 + dt.timedelta(hours=2), now=k.T0)
    return [requested, k.approved_use(a, k.stored_key(a, cab, seal="S-2", slot_no=2)),
            k.out_use(a, k.stored_key(a, cab, seal="S-3", slot_no=3))]


def _campaign_pool(a, b):
    from surveys import services
    from tests.surveys.conftest import T0, add_units, make_campaign, open_campaign

    add_units(a, 4)
    approved = make_campaign(a, title="已批准", sample_size=2)
    services.campaign_approve(campaign=approved, actor=a.users["site_director"], now=T0)
    opened = make_campaign(a, title="收集中", sample_size=2)
    open_campaign(a, opened)
    return [make_campaign(a, title="草稿", sample_size=2), approved, opened]


def _referral_pool(a, b):
    from tickets import services

    return [services.capability_refer(site=a.site, content="更换中央空调主机", actor=a.users["front_desk"],
                                      unit=a.units[0])]


def _takeover_pool(a, b):
    from handover import services

    def register():
        return services.takeover_register(site=a.site, developer="嘉华地产", notified_on=timezone.localdate(),
                                          actor=a.users["cs_supervisor"])

    replied = services.takeover_reply(takeover=register(), text="资料已核对。", actor=a.users["cs_supervisor"])
    return [register(), replied]


def _defect_pool(a, b):
    from handover import services

    def listed():
        return services.defect_list(site=a.site, location="3#楼道", description="墙面开裂",
                                    actor=a.users["cs_supervisor"], due_at=timezone.now() + dt.timedelta(days=7),
                                    reinspect_on=timezone.localdate() + dt.timedelta(days=8))

    return [listed(), services.defect_rectified(defect=listed(), actor=a.users["cs_supervisor"])]


def _move_in_pool(a, b):
    from handover import services
    from handover.models import MoveIn
    from tests.factories import UnitFactory

    pool = []
    for i, step in enumerate(MoveIn.ORDER[:-1]):  # one move-in waiting at each step
        unit = UnitFactory(building=a.building, site=a.site, entrance="3", room=f"70{i}", code=f"3-3-70{i}", floor=7)
        mi = services.move_in_open(unit=unit, actor=a.users["front_desk"])
        MoveIn.objects.filter(pk=mi.pk).update(step=step)
        pool.append(mi)
    return pool


def _rectification_pool(a, b):
    from inspections import services
    from inspections.models import ChecklistItem, ChecklistTemplate, Kind, Rectification

    template = ChecklistTemplate.objects.create(name="测试保洁表", area="cleaning")
    item = ChecklistItem.objects.create(template=template, position=1, text="楼道地面", weight=Decimal("1"),
                                        max_score=10)

    def failed():
        entry = services.ItemEntry(item_id=item.pk, passed=False, score=3, note="地面有垃圾",
                                   owner=a.staff["dept_staff"])
        insp = services.inspection_record(site=a.site, kind=Kind.ZONE_MANAGER, template=template, entries=[entry],
                                          actor=a.users["zone_manager"], zone=a.zone)
        return Rectification.objects.get(inspection=insp)

    done = services.rectification_report_done(rect=failed(), actor=a.users["dept_staff"], note="已清扫")
    return [failed(), done]


def _renovation_pool(a, b):
    from renovation.models import Renovation
    from tests.renovation.conftest import active, register

    def upd(ren, status):
        Renovation.objects.filter(pk=ren.pk).update(status=status)
        return ren

    S = Renovation.Status
    return [register(a), active(a), *(upd(register(a), s) for s in (
        S.IN_REVIEW, S.CHANGES_REQUIRED, S.REVIEWED, S.APPROVED, S.COMPLETED, S.ACCEPTANCE_APPLIED, S.ACCEPTED))]


def _month_pool(a, b):
    from inspections import services

    return [services.ranking_draft(site=a.site, month=timezone.localdate().replace(day=1))]


def _reminder_pool(a, b):
    from fees import services
    from tests.fees.conftest import setup_fees

    setup_fees(a)
    services.one_off_bill_issue(unit=a.units[0], title="装修垃圾清运费", lines=[("装修垃圾清运费", "300")],
                                actor=a.users["front_desk"])
    return [services.reminder_create(unit=a.units[0], actor=a.users["finance"])]


POOLS = {"tickets": _ticket_pool, "tickets.referral": _referral_pool, "complaints": _complaint_pool,
         "callbacks": _callback_pool,
         "keys.deposit": _deposit_pool, "keys.use": _use_pool, "surveys": _campaign_pool,
         "handover.takeover": _takeover_pool, "handover.defect": _defect_pool, "handover.move_in": _move_in_pool,
         "inspections.rectification": _rectification_pool, "inspections.month": _month_pool,
         "renovation": _renovation_pool, "fees.reminder": _reminder_pool}


# ---- emergencies, suggestions and a takeover inspection's key receipt (issue 14.1: their steps declared)
def _emergency_pool(a, b):
    from emergencies import services

    return [services.emergency_open(site=a.site, kind="fire", title="楼道冒烟", location="3号楼",
                                    started_at=timezone.now() - dt.timedelta(minutes=10),
                                    commander=a.staff["center_head"], actor=a.users["front_desk"])]


def _suggestion_pool(a, b):
    from suggestions import services

    def record():
        return services.suggestion_record(site=a.site, subject="增设充电桩", content="小区缺少电动车充电桩",
                                          actor=a.users["front_desk"])

    adopted = services.suggestion_decide(suggestion=record(), adopt=True, reason="可行", action="加装充电桩",
                                         owner=a.staff["dept_staff"], actor=a.users["site_director"],
                                         due_date=timezone.localdate() + dt.timedelta(days=7))
    return [record(), adopted]


def _inspection_pool(a, b):
    from handover import services
    from handover.models import Scope
    from tests.handover.conftest import results

    cs = a.users["cs_supervisor"]
    t = services.takeover_register(site=a.site, developer="嘉华地产", notified_on=timezone.localdate(), actor=cs)
    t = services.takeover_reply(takeover=t, text="资料已核对。", actor=cs)
    return [services.inspection_record(site=a.site, scope=Scope.UNIT, results=results(Scope.UNIT), actor=cs,
                                       takeover=t, unit=a.units[1])]


APPS = (*APPS, "emergencies", "suggestions", "handover.inspection")
POOLS.update({"emergencies": _emergency_pool, "suggestions": _suggestion_pool,
              "handover.inspection": _inspection_pool})


# ---- renovation's rows, a payment, and a month's ranking rows and appraisal (issue 14.1: their steps declared)
def _renovation_row_pools():
    from renovation import services as svc
    from tests.renovation.conftest import active, later

    def violation(a, b):
        ren = active(a)
        return [svc.violation_record(renovation=ren, rule="common_area", description="电梯厅堆放装修材料",
                                     measure="deduction", deduction_amount=Decimal("300"),
                                     actor=a.users["zone_staff"], now=later(1))]

    def change(a, b):
        ren = active(a)
        return [svc.change_apply(renovation=ren, kind="extension", reason="材料延期到货",
                                 new_end_date=ren.end_date + dt.timedelta(days=10), actor=a.users["front_desk"],
                                 now=later(1))]

    def gate(a, b):
        ren = active(a)
        return [svc.gate_enter(renovation=ren, pass_number=ren.workers.get().pass_number, tools="电锤",
                               actor=a.users["security_officer"], now=later(2, 1))]

    return {"renovation.violation": violation, "renovation.change": change, "renovation.gate": gate}


def _payment_pool(a, b):
    from fees import services
    from tests.fees.conftest import setup_fees

    setup_fees(a)
    return [services.payment_post(unit=a.units[0], amount="100", method="cash", actor=a.users["front_desk"])]


def _ranking_row_pools():
    from inspections import appraisal, services
    from inspections.models import AppraisalPart, SelfAssessment, ZoneScore

    nov, oct_ = dt.date(2026, 11, 1), dt.date(2026, 10, 1)

    def zone_score(a, b):
        return list(ZoneScore.objects.filter(month=services.ranking_draft(site=a.site, month=nov)))

    def self_assessment(a, b):
        waiting = SelfAssessment.objects.get(month=services.ranking_draft(site=a.site, month=nov), zone=a.zone)
        scored = appraisal.self_assessment_score(
            sa=SelfAssessment.objects.get(month=services.ranking_draft(site=a.site, month=oct_), zone=a.zone),
            actor=a.users["zone_manager"])
        return [waiting, scored]

    def month(a, b):
        return [appraisal.appraisal_prepare(site=a.site, month=nov)]

    def part(a, b):
        return list(AppraisalPart.objects.filter(appraisal__month=appraisal.appraisal_prepare(site=a.site, month=nov))
                    .order_by("pk"))

    return {"inspections.zone_score": zone_score, "inspections.self": self_assessment,
            "inspections.appraisal": month, "inspections.appraisal_part": part}


POOLS.update({**_renovation_row_pools(), "fees.payment": _payment_pool, **_ranking_row_pools()})
APPS = (*APPS, "renovation.violation", "renovation.change", "renovation.gate", "fees.payment",
        "inspections.zone_score", "inspections.self", "inspections.appraisal", "inspections.appraisal_part")


# ---- fees: a unit's deposits and bill re-run, a bank collection batch (issue 14.1: their steps declared)
def _fees_unit_pools():
    from fees import services
    from fees.models import BankAccount
    from tests.fees.conftest import setup_fees

    def deposit(a, b):  # a unit with a deposit held, and one with nothing held (no step to take)
        setup_fees(a)
        services.deposit_take(unit=a.units[0], amount="2000", method="cash", reference="ZX-1",
                              actor=a.users["front_desk"])
        return [a.units[1], a.units[0]]

    def unit(a, b):
        setup_fees(a)
        return [a.units[0]]

    def bank_batch(a, b):
        setup_fees(a)
        services.one_off_bill_issue(unit=a.units[0], title="装修垃圾清运费", lines=[("装修垃圾清运费", "300")],
                                    actor=a.users["front_desk"])
        BankAccount.objects.create(site=a.site, unit=a.units[0], bank="工商银行", account_no="622200000001",
                                   holder="业主")
        return [services.bank_batch_create(site=a.site, bank="工商银行", period=timezone.localdate(),
                                           actor=a.users["finance"])]

    return {"fees.deposit": deposit, "fees.unit": unit, "fees.bank_batch": bank_batch}


POOLS.update(_fees_unit_pools())
APPS = (*APPS, "fees.deposit", "fees.unit", "fees.bank_batch")


# ---- meetings: a booking's confirm and cancel, a checklist line's tick (issue 14.1: their steps declared)
def _meeting_pools():
    from meetings import services

    def booked(a):
        room = services.room_create(site=a.site, name="一楼会议室", capacity=30, actor=a.users["front_desk"])
        start = timezone.now() + dt.timedelta(days=2)
        return services.booking_create(room=room, title="业委会例会", organiser="业委会", attendees=12, size="small",
                                       starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                       staff_on_duty=a.staff["front_desk"], actor=a.users["front_desk"])

    return {"meetings": lambda a, b: [booked(a)], "meetings.check": lambda a, b: [booked(a).checks.first()]}


POOLS.update(_meeting_pools())
APPS = (*APPS, "meetings", "meetings.check")


# ---- reception: an entry's promised reply, a handover item's acknowledgement (issue 14.1: their steps declared)
def _reception_pools():
    from reception import services

    def entry(a, b):
        return [services.reception_entry_register(
            site=a.site, actor=a.users["front_desk"], channel="call", person_name="王先生", purpose="consultation",
            content="物业费能否用微信支付？", unit=a.units[0], promised_reply_at=timezone.now() + dt.timedelta(days=1))]

    def handover(a, b):
        log = services.work_log_create(site=a.site, actor=a.users["front_desk"], shift="day", content="交班",
                                       handovers=[("3号楼门禁待修", "next_shift"), ("车库照明", "security")])
        return list(log.handovers.order_by("pk"))

    return {"reception": entry, "reception.handover": handover}


POOLS.update(_reception_pools())
APPS = (*APPS, "reception", "reception.handover")


# ---- surveys: a closed campaign's corrective action marked done (issue 14.1: the step declared)
def _corrective_pool(a, b):
    from surveys import services
    from tests.surveys.conftest import T0, add_units, make_campaign, open_campaign

    add_units(a, 4)
    c = make_campaign(a, title="已结束", sample_size=2)
    open_campaign(a, c)
    services.campaign_close(campaign=c, actor=a.users["cs_supervisor"], now=T0 + dt.timedelta(days=1))
    return [services.corrective_action_create(campaign=c, description="增加保洁频次", owner=a.staff["dept_supervisor"],
                                              due_date=timezone.localdate(), actor=a.users["cs_supervisor"])]


POOLS["surveys.action"] = _corrective_pool
APPS = (*APPS, "surveys.action")


# ---- callbacks: a promised reply answered on the list of promised replies (issue 14.2: the service checked nothing)
def _promised_pool(a, b):
    from callbacks.services import promised_reply_create

    cb = _callback_pool(a, b)[0]
    return [promised_reply_create(site_id=a.site.pk, callback=cb, question="车位租金怎么算？",
                                  due_at=timezone.now() + dt.timedelta(days=1), actor=a.users["zone_staff"])]


POOLS["callbacks.reply"] = _promised_pool
APPS = (*APPS, "callbacks.reply")


# ---- complaints: an escalation acknowledged by the level it reached (issue 14.2: the button showed to everyone)
def _escalation_pool(a, b):
    from complaints.services import complaint_escalate

    # one escalation on the page: the step is looked for on the complaint's page, whose other levels' buttons
    # would answer for other users
    return [complaint_escalate(complaint=_complaint_pool(a, b)[0], reason="超时未处理", level=1)]


POOLS["complaints.escalation"] = _escalation_pool
APPS = (*APPS, "complaints.escalation")


# ------------------------------------------------------------------ what a user would type

def _value(field: forms.Field, obj):
    if isinstance(field, forms.BooleanField):
        return False
    if isinstance(field, forms.ModelMultipleChoiceField):
        return list(field.queryset[:1])
    if isinstance(field, forms.ModelChoiceField):
        return field.queryset.first()
    if isinstance(field, forms.FileField):
        return None
    if not field.required:
        return None if not isinstance(field, forms.CharField) else ""
    if isinstance(field, forms.DateTimeField):
        return timezone.now() + dt.timedelta(days=2)
    if isinstance(field, forms.DateField):
        return timezone.localdate()
    if isinstance(field, forms.DecimalField):
        return Decimal("1")
    if isinstance(field, forms.IntegerField):
        return 1
    if isinstance(field, forms.ChoiceField):
        return next(str(v) for v, _label in field.choices if v not in ("", None))
    return "测试内容"


def _payload(reg: Registry, action, obj, user) -> dict:
    form = reg.make_form(action, obj, user)
    form.cleaned_data = {name: _value(field, obj) for name, field in form.fields.items()
                         if name != "submission_key"}
    if "version" in form.fields:
        form.cleaned_data["version"] = obj.version
    return action.data(form)


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _assert_service_refuses(reg: Registry, action, obj, user, typed_by) -> None:
    payload = _payload(reg, action, obj, typed_by)
    who = f"{reg.name}.{action.key} run by {user.username}"
    try:
        with transaction.atomic():
            action.run(_fresh(obj), user, payload)
            raise _Succeeded
    except _Succeeded:
        pytest.fail(f"{who}: the service did it though the predicate refuses")
    except PermissionDenied:
        pass
    except DomainError as err:
        assert err.code in REFUSAL_CODES, f"{who}: refused for another reason first ({err.code}: {err.message})"


def _shown(client, reg: Registry, obj, key: str, user, pages: dict) -> bool:
    # each page is fetched once per user and record: the refusals above ran in rolled-back transactions, so
    # the page is the same for every step of the record (issue 14.8: the walk rendered it once per step)
    url = reg.page_of(obj)  # the record's page, or the page its registry names (a child row's record)
    if (url, user.pk) not in pages:
        client.force_login(user)
        r = client.get(url)
        pages[url, user.pk] = "" if r.status_code == 404 else r.content.decode()
    html = pages[url, user.pk]
    if not html:
        return False
    url = reg.post_reverse(obj, key) if reg.post_url(key)[0] else ""
    return f'data-testid="action-{key}"' in html or (bool(url) and f'action="{url}"' in html)


def _can_act(name: str, obj, key: str, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    tpl = Template('{% load actions %}{% can_act name obj key as ok %}{{ ok }}')
    return tpl.render(Context({"request": request, "name": name, "obj": obj, "key": key})).strip()


def test_every_registry_is_walked():
    for name in APPS:
        registry(name)
    assert set(REGISTRIES) == set(APPS), "a new registry needs its pool in POOLS"


# SPEC X-01 (site isolation), issue 14.1, issue 14.2
@pytest.mark.parametrize("name", APPS)
def test_every_action_is_refused_by_its_service_to_whom_its_predicate_refuses(name, site_a, site_b, client):
    reg = registry(name)
    records = POOLS[name](site_a, site_b)
    users_a, users_b = list(site_a.users.values()), list(site_b.users.values())
    reached: set[str] = set()
    for obj in records:
        obj = _fresh(obj)
        pages: dict = {}
        for key, action in reg.actions.items():
            allowed = [u for u in users_a if action.available(u, obj)]
            if not allowed or key in reached:
                continue
            reached.add(key)
            assert not [u.username for u in users_b if action.available(u, obj)], f"{name}.{key}: site B allowed"
            refused = [u for u in users_a if u not in allowed] + users_b
            for user in refused:
                _assert_service_refuses(reg, action, obj, user, typed_by=allowed[0])
            # the page agrees with the predicate: the step shows to exactly the users allowed
            for user in users_a:
                assert _shown(client, reg, obj, key, user, pages) == (user in allowed), (name, key, user.username)
            assert not _shown(client, reg, obj, key, users_b[0], pages)
            # a template asking `{% can_act %}` gets the same answer
            assert _can_act(name, obj, key, allowed[0]) == "True"
            assert _can_act(name, obj, key, users_b[0]) == "False"
    assert reached == set(reg.actions), f"{name}: no record of the pool reaches {set(reg.actions) - reached}"
