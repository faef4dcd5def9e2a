"""SPEC T-05 + T-18: extensions are asked for by the front desk and decided by the service-center head
(and beyond two weeks the site director) in their own login, or recorded as signed on paper with the scan."""

from datetime import timedelta

import pytest

from core import approvals
from core.deadlines import deadline_running
from core.errors import DomainError
from core.models import ApprovalRequest, Notification
from tests.tickets.helpers import T0, dispatch, register
from tickets import services
from tickets.models import Extension, WorkOrder

pytestmark = pytest.mark.django_db
NOW = T0 + timedelta(hours=2)


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return buf.getvalue()


def ask(s, order, new_due, actor="front_desk", **kw):
    return services.work_order_extend(order=order, actor=s.users[actor], new_due_at=new_due,
                                      reason="配件需订购", now=NOW, **kw)


def decide(s, req, who, approve=True, note=""):
    return approvals.approval_decide(request=req, actor=s.users[who], approve=approve, note=note,
                                     now=NOW + timedelta(minutes=30))


def scan(name="signed.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, _png(), content_type="image/png")


# SPEC T-05: a 24-hour item needs the resident's consent AND the head's signature — in the head's login
def test_24h_item_needs_consent_then_head_in_own_login(site_a):
    order = dispatch(site_a, register(site_a, "drain"))
    new = T0 + timedelta(days=2)
    with pytest.raises(DomainError) as err:
        ask(site_a, order, new)
    assert err.value.code == "consent"
    req = ask(site_a, order, new, resident_consent=True, consent_note="电话同意")
    order.refresh_from_db()
    assert req.status == ApprovalRequest.Status.PENDING and order.due_at == T0 + timedelta(hours=24)
    # SPEC T-18: the inbox item for the head, and the decision clock
    assert Notification.objects.filter(recipient=site_a.users["center_head"], url=req.get_absolute_url()).exists()
    assert deadline_running(req, "approval.ticket.extension") is not None
    req = decide(site_a, req, "center_head")
    order.refresh_from_db()
    assert order.due_at == new and order.extension_count == 1
    ext = Extension.objects.get(order=order)
    assert ext.old_due_at == T0 + timedelta(hours=24) and ext.head_signed_by == site_a.users["center_head"]
    assert ext.requested_by == site_a.users["front_desk"]
    assert deadline_running(order, "ticket.urgent.complete").due_at == new
    assert deadline_running(req, "approval.ticket.extension") is None  # SPEC T-18: the clock stopped


# SPEC T-18: the front desk cannot record the head's approval, nor can anyone else who is not the head
@pytest.mark.parametrize("who", ["front_desk", "cs_supervisor", "site_director", "dept_supervisor"])
def test_front_desk_cannot_approve_for_the_head(site_a, who):
    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8))
    with pytest.raises(DomainError) as err:
        decide(site_a, req, who)
    assert err.value.code == "not_allowed"
    assert WorkOrder.objects.get(pk=order.pk).extension_count == 0


# SPEC T-05: a 3-working-day item: the head; beyond two weeks from acceptance the site director after him
def test_3wd_item_head_then_director_after_14_days(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    decide(site_a, ask(site_a, order, T0 + timedelta(days=10)), "center_head")  # the head alone within two weeks
    order.refresh_from_db()
    head_req = ask(site_a, order, T0 + timedelta(days=15))
    decide(site_a, head_req, "center_head")
    order.refresh_from_db()
    assert order.extension_count == 1  # not yet: the director decides after the head
    director_req = approvals.approval_pending(order, "ticket.extension.director")
    assert director_req is not None and director_req.role == "site_director"
    with pytest.raises(DomainError):  # the head cannot approve as director
        decide(site_a, director_req, "center_head")
    decide(site_a, director_req, "site_director")
    ext = Extension.objects.filter(order=order).order_by("pk").last()
    assert Extension.objects.filter(order=order).count() == 2
    assert ext.director_signed_by == site_a.users["site_director"] and ext.head_signed_by == site_a.users["center_head"]


# SPEC T-05/T-18: the head who asks signs by asking (his own login)
def test_head_asking_signs_by_asking(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8), actor="center_head")
    assert req.status == ApprovalRequest.Status.APPROVED and req.decided_by == site_a.users["center_head"]
    assert WorkOrder.objects.get(pk=order.pk).extension_count == 1


# SPEC T-18: declined with a note: nothing changes, the asker hears of it
def test_declined_with_note(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8))
    with pytest.raises(DomainError) as err:
        decide(site_a, req, "center_head", approve=False)
    assert err.value.code == "note"
    decide(site_a, req, "center_head", approve=False, note="先催配件")
    assert WorkOrder.objects.get(pk=order.pk).extension_count == 0
    assert Notification.objects.filter(recipient=site_a.users["front_desk"], body="先催配件").exists()
    assert list(req.events.values_list("kind", flat=True)) == ["requested", "declined"]


# SPEC T-18: given on paper — the scan is required, the signer must be the head, the recorder is named
def test_paper_approval_needs_the_scan(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8))
    fd = site_a.users["front_desk"]
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["center_head"], scan=None, now=NOW)
    assert err.value.code == "scan"
    with pytest.raises(DomainError) as err:  # a name picked who is not the head
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["cs_supervisor"], scan=scan(),
                                        now=NOW)
    assert err.value.code == "signer"
    with pytest.raises(DomainError) as err:  # a text file named .png is judged by its content
        from django.core.files.uploadedfile import SimpleUploadedFile
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["center_head"],
                                        scan=SimpleUploadedFile("x.png", b"not a picture"), now=NOW)
    assert err.value.code == "file_type"
    req = approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["center_head"], scan=scan(),
                                          signed_at=NOW, now=NOW + timedelta(minutes=5))
    assert req.on_paper and req.recorded_by == fd and req.decided_by == site_a.users["center_head"] and req.scan
    assert Extension.objects.get(order=order).head_signed_by == site_a.users["center_head"]
    assert req.events.last().actor == fd and req.events.last().kind == "paper"


# SPEC T-05: order/security and cleaning orders only when the resident caused the delay
def test_cleaning_only_when_resident_caused(site_a):
    order = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    with pytest.raises(DomainError) as err:
        ask(site_a, order, T0 + timedelta(days=8))
    assert err.value.code == "resident_caused"
    ask(site_a, order, T0 + timedelta(days=8), resident_caused=True)


# SPEC T-05: the new deadline must be later
def test_extension_must_be_later(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    with pytest.raises(DomainError) as err:
        ask(site_a, order, T0)
    assert err.value.code == "new_due_at"


# SPEC T-05/X-02: the head of ANOTHER site cannot decide
def test_other_site_head_cannot_sign(site_a, site_b):
    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8))
    with pytest.raises(DomainError) as err:
        decide(site_b, req, "center_head")
    assert err.value.code == "not_allowed"


# SPEC T-18: the decision clock breaches and tells the policy's roles
def test_decision_clock_breaches(site_a):
    from core.deadlines import deadline_breach_due

    order = dispatch(site_a, register(site_a, "repair"))
    req = ask(site_a, order, T0 + timedelta(days=8))
    due = deadline_running(req, "approval.ticket.extension").due_at
    assert deadline_breach_due(now=due - timedelta(minutes=1)) == 0
    assert deadline_breach_due(now=due) == 1
    assert Notification.objects.filter(recipient=site_a.users["center_head"], deadline__isnull=False).exists()


# SPEC T-05/T-18: the director's step — the front desk cannot give it, a paper approval needs the scan
def test_director_step_own_login_or_paper_with_scan(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    decide(site_a, ask(site_a, order, T0 + timedelta(days=15)), "center_head")
    req = approvals.approval_pending(order, "ticket.extension.director")
    assert deadline_running(req, "approval.ticket.extension") is not None
    with pytest.raises(DomainError) as err:
        decide(site_a, req, "front_desk")
    assert err.value.code == "not_allowed"
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=site_a.users["front_desk"],
                                        signer=site_a.users["site_director"], scan=None, now=NOW)
    assert err.value.code == "scan"
    req = approvals.approval_record_paper(request=req, actor=site_a.users["front_desk"],
                                          signer=site_a.users["site_director"], scan=scan(), now=NOW)
    ext = Extension.objects.get(order=order)
    assert ext.director_signed_by == site_a.users["site_director"] and req.recorded_by == site_a.users["front_desk"]
    assert deadline_running(req, "approval.ticket.extension") is None
