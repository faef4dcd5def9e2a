"""SPEC K-01, K-03, K-04, K-06 in a browser: deposit → two approvals → use request → two approvals →
out with two people → entry record PDF → return with a new seal (a used seal number is refused)."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from keys import services as svc
from keys.models import KeyDeposit, KeyUse
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username: str, url: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)
    page.goto(url)


def test_key_custody_flow(page, live_server, site_a):
    svc.key_cabinet_create(site=site_a.site, name="1号钥匙柜", slots=3, custodian=site_a.staff["front_desk"])
    base = live_server.url

    # SPEC K-01: registered by zone staff
    _as(page, live_server, "a_zone_staff", f"{base}/keys/deposits/new/")
    page.fill("input[name=unit_code]", "3-2-1501")
    page.select_option("select[name=reason]", "resident")
    page.fill("input[name=key_description]", "入户门钥匙")
    page.click("[data-testid=deposit-submit]")
    page.wait_for_selector("[data-testid=deposit-status][data-status=requested]")
    deposit_url = page.url
    # the registrar sees no approval button
    assert page.locator("[data-testid^=approve-]").count() == 0

    # two different approvers
    _as(page, live_server, "a_center_head", deposit_url)
    page.click("[data-testid=approve-deposit_property]")
    page.wait_for_selector("[data-testid=approvals] li >> nth=0")
    assert page.locator("[data-testid=approve-deposit_security]").count() == 0
    _as(page, live_server, "a_security_supervisor", deposit_url)
    page.click("[data-testid=approve-deposit_security]")
    page.wait_for_selector("[data-testid=deposit-status][data-status=approved]")

    # the custodian seals and stores, then requests a use
    _as(page, live_server, "a_front_desk", deposit_url)
    page.select_option("[data-testid=store-form] select[name=slot]", index=1)
    page.fill("[data-testid=store-form] input[name=seal_number]", "E2E-001")
    page.click("[data-testid=store-submit]")
    page.wait_for_selector("[data-testid=deposit-status][data-status=stored]")
    now = timezone.localtime()
    page.fill("[data-testid=use-form] input[name=purpose]", "卫生间漏水维修")
    page.fill("[data-testid=use-form] input[name=planned_out]", f"{now:%Y-%m-%dT%H:%M}")
    page.fill("[data-testid=use-form] input[name=planned_return]", f"{now + timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.click("[data-testid=use-submit]")
    page.wait_for_selector("[data-testid=use-status][data-status=requested]")
    use_url = page.url

    # SPEC K-03: property head and security head
    _as(page, live_server, "a_center_head", use_url)
    page.click("[data-testid=approve-use_property]")
    page.wait_for_selector("[data-testid=approvals] li >> nth=0")
    _as(page, live_server, "a_security_supervisor", use_url)
    page.click("[data-testid=approve-use_security]")
    page.wait_for_selector("[data-testid=use-status][data-status=approved]")

    # SPEC K-04: handed out to a property assistant and a security officer together
    _as(page, live_server, "a_front_desk", use_url)
    page.select_option("[data-testid=take-out-form] select[name=property_staff]", str(site_a.staff["zone_staff"].pk))
    page.select_option("[data-testid=take-out-form] select[name=security_staff]",
                       str(site_a.staff["security_officer"].pk))
    page.fill("[data-testid=take-out-form] input[name=contractor_lead]", "王师傅")
    page.click("[data-testid=take-out-submit]")
    page.wait_for_selector("[data-testid=use-status][data-status=out]")

    # the entry record PDF
    pdf_url = page.get_attribute("[data-testid=entry-pdf]", "href")
    resp = page.request.get(f"{base}{pdf_url}")
    assert resp.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(resp.body())).pages)
    assert "入室登记" in text and "3-2-1501" in text

    # SPEC K-04: the entry record is signed by each in their own login; the contractor's lead draws
    # his signature on the security officer's screen. Before that the key cannot be put back.
    assert page.locator("[data-testid=sign-own-form]").count() == 0
    _as(page, live_server, "a_security_officer", use_url)
    page.fill("[data-testid=sign-own-form] input[name=contractor_signer]", "王师傅")
    box = page.locator("canvas[data-signature-pad]").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 60 + (15 if step % 2 else -15))
    page.mouse.up()
    page.click("[data-testid=sign-own-submit]")
    page.wait_for_selector("[data-testid=entry-signatures] img")
    _as(page, live_server, "a_zone_staff", use_url)
    page.click("[data-testid=sign-own-submit]")
    page.wait_for_selector("[data-testid=entry-signatures] h2:has-text('✓')")
    _as(page, live_server, "a_front_desk", use_url)

    # SPEC K-06: the old seal number is refused, a new one accepted
    page.fill("[data-testid=return-form] input[name=seal_number]", "E2E-001")
    page.click("[data-testid=return-submit]")
    page.wait_for_selector("[data-testid=return-form] .alert-danger, [data-testid=return-form] .alert")
    assert page.locator("[data-testid=return-form] input[name=seal_number]").input_value() == "E2E-001"
    page.fill("[data-testid=return-form] input[name=seal_number]", "E2E-002")
    page.click("[data-testid=return-submit]")
    page.wait_for_selector("[data-testid=use-status][data-status=returned]")

    use = KeyUse.objects.get()
    deposit = KeyDeposit.objects.get()
    assert use.property_staff == site_a.staff["zone_staff"] and use.security_staff == site_a.staff["security_officer"]
    assert deposit.status == "stored" and deposit.seal_number == "E2E-002"
    assert set(deposit.approvals.values_list("approver__username", flat=True)) == {"a_center_head",
                                                                                  "a_security_supervisor"}
