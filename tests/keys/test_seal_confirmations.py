"""SPEC K-01/K-06 + T-18: the two people who put a seal on confirm it in their own logins; the custodian
records the seal but cannot confirm it for them (a paper confirmation needs the scanned register)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import approvals
from core.deadlines import deadline_running
from core.errors import DomainError
from core.models import ApprovalRequest, Notification
from keys import services as svc
from keys.models import SealRecord
from tests.keys.conftest import T0, out_use, stored_key

pytestmark = pytest.mark.django_db


def _scan():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return SimpleUploadedFile("register.png", buf.getvalue(), content_type="image/png")


def _reseal(ns, cab):
    use = out_use(ns, stored_key(ns, cab))
    svc.key_use_return(use=use, seal_number="R-100", sealer=ns.staff["zone_staff"],
                       witness=ns.staff["security_officer"], actor=ns.users["front_desk"], now=T0 + timedelta(hours=1))
    return SealRecord.objects.get(seal_number="R-100")


# SPEC T-18: the custodian who records a seal he did not put on cannot confirm it for the two sealers
def test_reseal_asks_both_sealers_in_their_own_login(site_a, cab_a):
    seal = _reseal(site_a, cab_a)
    sealer = approvals.approval_pending(seal, "key.seal.sealer")
    witness = approvals.approval_pending(seal, "key.seal.witness")
    assert sealer is not None and witness is not None
    assert deadline_running(witness, "approval.key.seal") is not None
    officer = site_a.users["security_officer"]
    assert Notification.objects.filter(recipient=officer, url=witness.get_absolute_url()).exists()
    for who in ("front_desk", "center_head", "zone_staff"):
        with pytest.raises(DomainError) as err:
            approvals.approval_decide(request=witness, actor=site_a.users[who], approve=True)
        assert err.value.code == "not_allowed"
    approvals.approval_decide(request=witness, actor=site_a.users["security_officer"], approve=True)
    approvals.approval_decide(request=sealer, actor=site_a.users["zone_staff"], approve=True)
    assert approvals.approvals_of(seal).filter(status=ApprovalRequest.Status.APPROVED).count() == 2
    assert all(r.subject_id != seal.pk for r in approvals.approvals_waiting_for(site_a.users["security_officer"]))


# SPEC T-18: the person recording his own seal confirms it by recording; the witness is asked
def test_initial_seal_by_the_custodian(site_a, cab_a):
    stored_key(site_a, cab_a, seal="S-9")
    seal = SealRecord.objects.get(seal_number="S-9")
    own = approvals.approvals_of(seal).get(kind="key.seal.sealer")
    assert own.status == ApprovalRequest.Status.APPROVED and own.decided_by == site_a.users["front_desk"]
    waiting = approvals.approvals_waiting_for(site_a.users["security_officer"])
    assert [r.kind for r in waiting] == ["key.seal.witness"]


# SPEC T-18: signed on the paper register: the scan is required, the signer must be the witness
def test_paper_confirmation_needs_scan(site_a, cab_a):
    seal = _reseal(site_a, cab_a)
    req = approvals.approval_pending(seal, "key.seal.witness")
    fd = site_a.users["front_desk"]
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["security_officer"], scan=None)
    assert err.value.code == "scan"
    with pytest.raises(DomainError) as err:
        approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["security_supervisor"],
                                        scan=_scan())
    assert err.value.code == "signer"
    req = approvals.approval_record_paper(request=req, actor=fd, signer=site_a.users["security_officer"], scan=_scan())
    assert req.on_paper and req.recorded_by == fd
