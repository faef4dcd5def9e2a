"""SPEC X-02 (site isolation, 404), K-04/D-04 (entry record PDF), pages render, bad input keeps the form."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from keys import services as svc
from keys.models import KeyDeposit, KeyUse

pytestmark = pytest.mark.django_db


@pytest.fixture
def walked(site_a, cab_a, keyflow):
    dep = keyflow.stored_key(site_a, cab_a, seal="V-1")
    use = keyflow.out_use(site_a, dep)
    item = svc.key_use_item_add(use=use, description="鞋柜", actor=site_a.users["zone_staff"])
    rec = svc.key_reconciliation_record(site=site_a.site, lines={}, actor=site_a.users["security_supervisor"])
    inc_dep = keyflow.stored_key(site_a, cab_a, seal="V-2", slot_no=2)
    rec2 = svc.key_reconciliation_record(site=site_a.site, actor=site_a.users["security_supervisor"], lines={
        inc_dep.pk: {"present": False}})
    return {"dep": dep, "use": use, "item": item, "rec": rec, "incident": rec2.incidents.get()}


def _urls(w):
    d, u, i = w["dep"].pk, w["use"].pk, w["item"].pk
    return [reverse("keys:deposit_detail", args=[d]), reverse("keys:use_detail", args=[u]),
            reverse("keys:use_entry_pdf", args=[u]), reverse("keys:use_item_photo", args=[u, i]),
            reverse("keys:reconciliation_detail", args=[w["rec"].pk]),
            reverse("keys:incident_detail", args=[w["incident"].pk])]


# SPEC X-02: another site's key is 404 on every detail URL
def test_other_site_gets_404(client, site_a, site_b, walked):
    client.force_login(site_b.users["center_head"])
    for url in _urls(walked):
        assert client.get(url).status_code == 404, url
    post = client.post(reverse("keys:deposit_approve", args=[walked["dep"].pk]), {"kind": "deposit_property"})
    assert post.status_code == 404
    assert client.post(reverse("keys:use_return", args=[walked["use"].pk]), {}).status_code == 404
    # and the lists do not show it
    assert walked["dep"].unit.code not in client.get(reverse("keys:ledger")).content.decode()


def test_pages_render_for_own_site(client, site_a, walked):
    client.force_login(site_a.users["front_desk"])
    for url in [reverse("keys:ledger"), reverse("keys:use_list"), reverse("keys:seal_list"),
                reverse("keys:reconciliation_list"), reverse("keys:deposit_create"),
                reverse("keys:reconciliation_create")] + [u for u in _urls(walked) if "photo" not in u]:
        assert client.get(url).status_code == 200, url


# SPEC K-04, D-04: the entry record is a PDF with Chinese text and the unit code
def test_entry_record_pdf(client, site_a, walked):
    client.force_login(site_a.users["zone_staff"])
    resp = client.get(reverse("keys:use_entry_pdf", args=[walked["use"].pk]))
    assert resp["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(resp.content)).pages)
    assert "入室登记" in text
    assert walked["dep"].unit.code in text
    assert site_a.staff["security_officer"].name in text


# SPEC K-01: the ledger 钥匙托管表 prints
def test_ledger_pdf(client, site_a, walked):
    client.force_login(site_a.users["center_head"])
    resp = client.get(reverse("keys:ledger_pdf"))
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(resp.content)).pages)
    assert "钥匙托管表" in text and walked["dep"].unit.code in text


# SPEC K-03, X-03: a refused approval shows the service's message; bad input re-renders the form
def test_refusals_shown_on_the_page(client, site_a, cab_a, keyflow):
    dep = keyflow.register(site_a)
    client.force_login(site_a.users["zone_staff"])  # the registrar, and not a head
    resp = client.post(reverse("keys:deposit_approve", args=[dep.pk]), {"kind": "deposit_property"}, follow=True,
                       HTTP_ACCEPT_LANGUAGE="en")
    assert KeyDeposit.objects.get(pk=dep.pk).status == "requested"
    assert "Only the" in resp.content.decode()
    dep = keyflow.stored_key(site_a, cab_a, seal="W-1", slot_no=2)
    resp = client.post(reverse("keys:use_create", args=[dep.pk]), {
        "purpose": "换锁芯", "planned_out": "2026-11-23T10:00", "planned_return": "2026-11-23T09:00"})
    assert resp.status_code == 422 and "换锁芯" in resp.content.decode()
    assert not KeyUse.objects.filter(deposit=dep).exists()


# SPEC K-04: taking out through the page with one person in both roles is refused with the message
def test_take_out_view_refuses_one_person(client, site_a, cab_a, keyflow):
    use = keyflow.approved_use(site_a, keyflow.stored_key(site_a, cab_a))
    client.force_login(site_a.users["front_desk"])
    staff = site_a.staff["security_officer"].pk
    resp = client.post(reverse("keys:use_take_out", args=[use.pk]),
                       {"property_staff": staff, "security_staff": staff}, HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 422 and "two different people" in resp.content.decode()
    assert KeyUse.objects.get(pk=use.pk).status == "approved"
    resp = client.post(reverse("keys:use_take_out", args=[use.pk]), {
        "property_staff": site_a.staff["zone_staff"].pk, "security_staff": staff, "contractor_lead": "王"})
    assert resp.status_code == 302 and KeyUse.objects.get(pk=use.pk).status == "out"


def test_history_page_shows_every_hand(client, site_a, cab_a, keyflow):
    # SPEC K-07: approvals, hands, seal numbers on the key's page
    dep = keyflow.stored_key(site_a, cab_a, seal="H-1")
    use = keyflow.out_use(site_a, dep)
    svc.key_use_return(use=use, seal_number="H-2", sealer=site_a.staff["zone_staff"],
                       witness=site_a.staff["security_officer"], actor=site_a.users["front_desk"],
                       now=keyflow.T0 + timedelta(minutes=40))
    client.force_login(site_a.users["site_director"])
    html = client.get(reverse("keys:deposit_detail", args=[dep.pk])).content.decode()
    for text in ("H-1", "H-2", site_a.staff["zone_staff"].name, site_a.staff["security_officer"].name,
                 site_a.staff["center_head"].name):
        assert text in html, text


# SPEC K-02: the weekly check through the page; a missing key opens an incident the director closes
def test_reconciliation_through_the_page(client, site_a, cab_a, keyflow):
    from keys.models import KeyIncident

    good = keyflow.stored_key(site_a, cab_a, seal="P-1", slot_no=1)
    lost = keyflow.stored_key(site_a, cab_a, seal="P-2", slot_no=2)
    client.force_login(site_a.users["security_supervisor"])
    resp = client.post(reverse("keys:reconciliation_create"), {
        f"present_{good.pk}": "on", f"intact_{good.pk}": "on", f"seal_{good.pk}": "P-1",
        f"intact_{lost.pk}": "on", f"seal_{lost.pk}": "", "note": "周检"})
    assert resp.status_code == 302
    incident = KeyIncident.objects.get()
    assert incident.deposit == lost and incident.kind == "missing"
    client.force_login(site_a.users["center_head"])
    assert client.post(reverse("keys:incident_detail", args=[incident.pk]), {"finding": "x"}).status_code == 200
    assert KeyIncident.objects.get().status == "open"
    client.force_login(site_a.users["site_director"])
    resp = client.post(reverse("keys:incident_detail", args=[incident.pk]), {"finding": "钥匙在维修部，已归还"})
    assert resp.status_code == 302 and KeyIncident.objects.get().status == "closed"


# SPEC K-05, X-03: a photo upload through the page is type-checked; the photo is served only to the site
def test_item_photo_upload_and_access(client, site_a, site_b, cab_a, keyflow):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a))
    client.force_login(site_a.users["zone_staff"])
    bad = client.post(reverse("keys:use_item_add", args=[use.pk]), {
        "description": "餐桌", "photo": SimpleUploadedFile("a.png", b"%PDF-1.4 not a picture", "image/png")})
    assert bad.status_code == 422 and not use.items.exists()
    buf = BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buf, "JPEG")
    ok = client.post(reverse("keys:use_item_add", args=[use.pk]), {
        "description": "餐桌移至客厅", "photo": SimpleUploadedFile("a.jpg", buf.getvalue(), "image/jpeg")})
    assert ok.status_code == 302
    item = use.items.get()
    photo_url = reverse("keys:use_item_photo", args=[use.pk, item.pk])
    assert client.get(photo_url).status_code == 200
    client.force_login(site_b.users["zone_staff"])
    assert client.get(photo_url).status_code == 404


# SPEC K-04 (issue 15.8): the security officer signs the entry record on the page in his own login, the
# contractor's lead draws on his screen; the front desk is not offered the step and is refused
def test_sign_entry_in_own_login_page(client, site_a, cab_a, keyflow):
    from tests.keys.conftest import SIGNATURE

    use = keyflow.out_use(site_a, keyflow.stored_key(site_a, cab_a, seal="W-1"), signed=False)
    url = reverse("keys:use_detail", args=[use.pk])
    client.force_login(site_a.users["front_desk"])
    page = client.get(url).content.decode()
    assert 'data-testid="sign-own-form"' not in page and 'data-testid="entry-signatures"' in page
    client.post(reverse("keys:use_sign_own", args=[use.pk]), {"contractor_signature": SIGNATURE})
    use = KeyUse.objects.get(pk=use.pk)
    assert use.entry_contractor_signature == "" and use.entry_security_signed_at is None
    client.force_login(site_a.users["security_officer"])
    assert 'data-testid="sign-own-form"' in client.get(url).content.decode()
    resp = client.post(reverse("keys:use_sign_own", args=[use.pk]),
                       {"contractor_signer": "王师傅", "contractor_signature": SIGNATURE})
    assert resp.status_code == 302
    use = KeyUse.objects.get(pk=use.pk)
    assert use.entry_security_signed_at and use.entry_contractor_signature == SIGNATURE
    assert not use.entry_signed  # the property assistant has not signed yet
    client.force_login(site_a.users["zone_staff"])
    client.post(reverse("keys:use_sign_own", args=[use.pk]), {})
    assert KeyUse.objects.get(pk=use.pk).entry_signed


# SPEC K-01/K-03, issue 14.1: each approval is a declared step posted with its kind to the approve URL — shown
# and run only for whom may give it, a refusal back on the page next to the form, sent twice → recorded once
def test_k01_approvals_through_the_page(client, site_a, cab_a, keyflow):
    from keys.models import KeyApproval

    dep = keyflow.register(site_a)
    page, url = reverse("keys:deposit_detail", args=[dep.pk]), reverse("keys:deposit_approve", args=[dep.pk])
    client.force_login(site_a.users["zone_staff"])  # registered it
    assert 'data-testid="approve-' not in client.get(page).content.decode()
    r = client.post(url, {"kind": "deposit_property"})
    assert r.status_code == 422 and not dep.approvals.exists()
    client.force_login(site_a.users["center_head"])
    html = client.get(page).content.decode()
    assert 'data-testid="approve-deposit_property"' in html and 'data-testid="approve-deposit_security"' not in html
    r = client.post(url, {"kind": "deposit_security"})  # not their role: refused on the page, with the reason
    forms = {kind: form for kind, _label, form in r.context["approval_forms"]}
    assert r.status_code == 422 and not forms["deposit_property"].errors
    assert forms["deposit_security"].non_field_errors()
    assert client.post(url, {"kind": "store"}).status_code == 404  # only an approval is posted here
    data = {"kind": "deposit_property", "submission_key": "k-approve-1"}
    assert client.post(url, data)["Location"] == page and client.post(url, data).status_code == 302
    assert list(dep.approvals.values_list("kind", flat=True)) == [KeyApproval.Kind.DEPOSIT_PROPERTY]
    assert 'data-testid="approve-' not in client.get(page).content.decode()  # given; the second is someone else's
