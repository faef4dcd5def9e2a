"""SPEC CB-01, CB-02, CB-03, CB-05: callback tasks, attempts, site check, promised replies."""

import pytest

from callbacks.models import Callback, CallbackEvent, Result
from callbacks.services import (
    callback_attempt_record,
    callback_cancel,
    callback_mismatch_finding_record,
    callback_request,
    promised_reply_answer,
    promised_reply_create,
)
from core.deadlines import deadline_breach_due, deadline_running, deadlines_of
from core.errors import DomainError
from core.models import Deadline, Notification
from tests.callbacks.conftest import at

pytestmark = pytest.mark.django_db


def _request(ns, *, unit=None, kind="ticket", code="ticket.callback", now=None, **kw):
    unit = unit or ns.units[0]
    return callback_request(subject=unit, site_id=ns.site.pk, kind=kind, policy_code=code,
                            now=now or at(2026, 11, 2, 10, 0), unit=unit, **kw)


# SPEC CB-01: the 1-working-day clock runs on the callback; stopped when the resident is reached
def test_clock_started_and_stopped_when_reached(site_a, outcomes):
    cb = _request(site_a, summary="更换水龙头")
    assert cb.due_at == at(2026, 11, 3, 18, 0)
    assert deadline_running(cb, "ticket.callback").due_at == cb.due_at
    callback_attempt_record(callback=cb, actor=site_a.users["zone_staff"], method="phone",
                            number_dialled="13800000001", result=Result.SATISFIED, now=at(2026, 11, 3, 9, 0))
    assert deadline_running(cb, "ticket.callback") is None
    assert deadlines_of(cb).get().state == Deadline.State.MET


# SPEC CB-01 (C-09): complaint callbacks within 2 working days, National Day holiday skipped
def test_complaint_clock_two_working_days(site_a):
    cb = _request(site_a, kind="complaint", code="complaint.callback", now=at(2026, 9, 29, 15, 0))
    assert cb.due_at == at(2026, 10, 8, 18, 0)


# SPEC CB-07: an overdue callback breaches and the CS supervisor is told
def test_overdue_callback_notifies_cs_supervisor(site_a):
    cb = _request(site_a)
    deadline_breach_due(now=at(2026, 11, 3, 18, 1))
    assert Notification.objects.filter(recipient=site_a.users["cs_supervisor"], subject_id=cb.pk).exists()


# SPEC CB-02: three unreachable attempts, then closed as unreachable with the reason
def test_three_unreachable_attempts_close(site_a, outcomes):
    cb = _request(site_a)
    staff = site_a.users["zone_staff"]
    for i, hour in enumerate((9, 13, 16), start=1):
        callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled="13800000001",
                                result=Result.UNREACHABLE, comment="无人接听", now=at(2026, 11, 3, hour, 0))
        cb = type(cb).objects.get(pk=cb.pk)
        assert cb.attempts == i
        if i < 3:
            assert cb.status == Callback.Status.OPEN
            assert outcomes == []
    assert cb.status == Callback.Status.UNREACHABLE
    assert cb.result == Result.UNREACHABLE
    assert "3" in cb.close_reason and "无人接听" in cb.close_reason
    assert [o["result"] for o in outcomes] == ["unreachable"]
    with pytest.raises(DomainError):
        callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled="1",
                                result=Result.SATISFIED, now=at(2026, 11, 3, 17, 0))
    assert len(outcomes) == 1


# SPEC CB-02: method with the number dialled; an on-site visit needs the resident's signature
def test_attempt_requires_number_and_signature(site_a, outcomes):
    cb = _request(site_a)
    staff = site_a.users["zone_staff"]
    with pytest.raises(DomainError) as err:
        callback_attempt_record(callback=cb, actor=staff, method="phone", result=Result.SATISFIED)
    assert err.value.code == "number_required"
    with pytest.raises(DomainError) as err:
        callback_attempt_record(callback=cb, actor=staff, method="visit", result=Result.SATISFIED)
    assert err.value.code == "signature_required"
    attempt = callback_attempt_record(callback=cb, actor=staff, method="visit", result=Result.BASICALLY,
                                      signed_on_paper=True, signer_name="王建国", comment="已修好",
                                      now=at(2026, 11, 2, 15, 0))
    cb = type(cb).objects.get(pk=cb.pk)
    assert (attempt.staff, attempt.at, attempt.signer_name) == (staff, at(2026, 11, 2, 15, 0), "王建国")
    assert cb.status == Callback.Status.DONE and cb.result == Result.BASICALLY
    assert outcomes == [{"callback": cb.pk, "result": "basically", "now": at(2026, 11, 2, 15, 0), "actor": staff}]
    kinds = list(cb.events.values_list("kind", flat=True))
    assert kinds == [CallbackEvent.Kind.CREATED, CallbackEvent.Kind.ATTEMPT, CallbackEvent.Kind.DONE]


# SPEC CB-02: only staff of the callback's site record it
def test_other_site_cannot_record(site_a, site_b):
    cb = _request(site_a)
    with pytest.raises(DomainError):
        callback_attempt_record(callback=cb, actor=site_b.users["zone_staff"], method="phone",
                                number_dialled="1", result=Result.SATISFIED)


# SPEC CB-03: a mismatch sends the zone manager on site; closing waits for the finding
def test_mismatch_check_blocks_closing(site_a, outcomes):
    cb = _request(site_a, department_report="已更换阀门")
    staff = site_a.users["zone_staff"]
    callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled="13800000001",
                            result=Result.UNSATISFIED, mismatch=True, mismatch_note="业主说阀门没换，还在漏水",
                            now=at(2026, 11, 2, 11, 0))
    cb = type(cb).objects.get(pk=cb.pk)
    assert cb.status == Callback.Status.MISMATCH_CHECK
    assert cb.mismatch_checker == site_a.users["zone_manager"]
    assert Notification.objects.filter(recipient=site_a.users["zone_manager"], subject_id=cb.pk).exists()
    assert outcomes == []  # not closed: no consequence yet
    from callbacks.selectors import callback_queue
    assert list(callback_queue(user=site_a.users["zone_manager"], state="open",
                               staff_id=site_a.users["zone_manager"].pk)) == [cb]
    # the callback cannot be closed by another attempt, nor by someone who is not the checker
    with pytest.raises(DomainError):
        callback_attempt_record(callback=cb, actor=staff, method="phone", number_dialled="1",
                                result=Result.SATISFIED)
    with pytest.raises(DomainError) as err:
        callback_mismatch_finding_record(callback=cb, actor=staff, finding="看过了")
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        callback_mismatch_finding_record(callback=cb, actor=site_a.users["zone_manager"], finding="  ")
    assert err.value.code == "finding_required"
    cb = type(cb).objects.get(pk=cb.pk)
    assert cb.status == Callback.Status.MISMATCH_CHECK and cb.closed_at is None
    callback_mismatch_finding_record(callback=cb, actor=site_a.users["zone_manager"],
                                     finding="现场确认阀门未换，工程部返工", now=at(2026, 11, 2, 16, 0))
    cb = type(cb).objects.get(pk=cb.pk)
    assert cb.status == Callback.Status.DONE and cb.closed_at == at(2026, 11, 2, 16, 0)
    assert cb.mismatch_finding.startswith("现场确认")
    assert [o["result"] for o in outcomes] == ["unsatisfied"]


# SPEC CB-03: the mismatch flag needs the resident's account
def test_mismatch_needs_note(site_a):
    cb = _request(site_a)
    with pytest.raises(DomainError) as err:
        callback_attempt_record(callback=cb, actor=site_a.users["zone_staff"], method="phone",
                                number_dialled="1", result=Result.SATISFIED, mismatch=True)
    assert err.value.code == "mismatch_note"


# SPEC CB-02: a cancel needs a reason; the clock is cancelled; no outcome
def test_cancel(site_a, outcomes):
    cb = _request(site_a)
    with pytest.raises(DomainError):
        callback_cancel(callback=cb, actor=site_a.users["cs_supervisor"], reason=" ")
    callback_cancel(callback=cb, actor=site_a.users["cs_supervisor"], reason="报事单已撤销")
    cb = type(cb).objects.get(pk=cb.pk)
    assert cb.status == Callback.Status.CANCELLED and deadline_running(cb, "ticket.callback") is None
    assert outcomes == []


# SPEC CB-05: a promised reply is a deadline, tracked until answered
def test_promised_reply_tracked(site_a):
    cb = _request(site_a)
    reply = promised_reply_create(site_id=site_a.site.pk, callback=cb, question="车位费怎么算？",
                                  due_at=at(2026, 11, 4, 12, 0), actor=site_a.users["zone_staff"],
                                  now=at(2026, 11, 2, 10, 0))
    assert deadline_running(reply, "callback.promised_reply").due_at == at(2026, 11, 4, 12, 0)
    with pytest.raises(DomainError):
        promised_reply_create(site_id=site_a.site.pk, question="x", due_at=at(2026, 11, 1, 12, 0),
                              actor=site_a.users["zone_staff"], now=at(2026, 11, 2, 10, 0))
    deadline_breach_due(now=at(2026, 11, 4, 12, 1))
    assert Notification.objects.filter(recipient=site_a.users["cs_supervisor"], subject_id=reply.pk).exists()
    promised_reply_answer(reply=reply, answer="按月300元", actor=site_a.users["zone_staff"], now=at(2026, 11, 4, 14, 0))
    reply = type(reply).objects.get(pk=reply.pk)
    assert reply.status == "answered" and reply.answered_at == at(2026, 11, 4, 14, 0)
    with pytest.raises(DomainError):
        promised_reply_answer(reply=reply, answer="again", actor=site_a.users["zone_staff"])


# SPEC CB-01: zone staff of the unit's zone by default; the same subject is not doubled while open
def test_assignment_and_no_double(site_a):
    cb = _request(site_a)
    assert cb.assigned_to == site_a.users["zone_staff"]
    assert _request(site_a).pk == cb.pk
    assert Callback.objects.count() == 1
