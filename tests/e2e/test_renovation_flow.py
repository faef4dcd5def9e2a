"""Issue 17 in a browser: application → review with one failed item → change → approval with deposit →
permit and passes printed → two patrols, one violation → completion → acceptance → refund."""

from decimal import Decimal
from io import BytesIO
from urllib.parse import urljoin

import pytest
from PIL import Image
from pypdf import PdfReader

from fees.models import DepositMovement, LedgerEntry
from renovation.models import Renovation
from tests.e2e.conftest import login
from tests.renovation.conftest import OWNER_ID, WORKER_ID, owner_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, live_server, username: str, url: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)
    page.goto(url)


def _status(page, status: str) -> None:
    page.wait_for_selector(f"[data-testid=ren-status][data-status={status}]")


def _pdf_text(page, selector: str) -> str:
    href = urljoin(page.url, page.get_attribute(selector, "href"))
    resp = page.request.get(href)
    assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(BytesIO(resp.body())).pages)


def test_renovation_flow(page, live_server, site_a, tmp_path):
    owner = owner_of(site_a)
    photo, doc = tmp_path / "worker.png", tmp_path / "scan.pdf"
    Image.new("RGB", (60, 80), (90, 120, 160)).save(photo, "PNG")
    doc.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    base = live_server.url

    # SPEC R-01: the front desk registers the application with documents and a worker
    _as(page, live_server, "a_front_desk", f"{base}/renovation/new/")
    form = "[data-testid=application-form]"
    page.fill(f"{form} input[name=unit_code]", site_a.units[0].code)
    page.fill(f"{form} input[name=owner_name]", owner.name)
    page.fill(f"{form} input[name=owner_id_number]", OWNER_ID)
    page.fill(f"{form} input[name=contractor]", "深圳美家装饰工程有限公司")
    page.fill(f"{form} input[name=contractor_licence]", "91440300MA5F000001")
    page.fill(f"{form} input[name=lead_name]", "王工")
    page.fill(f"{form} input[name=lead_phone]", "13812345678")
    page.fill(f"{form} input[name=start_date]", "2026-12-02")
    page.fill(f"{form} input[name=end_date]", "2027-01-31")
    page.fill(f"{form} textarea[name=scope]", "拆除客厅隔墙;厨卫翻新")
    page.click("[data-testid=application-submit]")
    _status(page, "draft")
    detail = page.url
    # a missing required document blocks submission with a clear message
    page.click("[data-testid=submit-review]")
    page.wait_for_selector(".alert-danger, .alert-error, [data-testid=missing-documents]")
    assert page.locator("[data-testid=missing-documents]").count() == 1
    for kind in ("owner_id", "drawings", "licence"):
        page.click("[data-testid=doc-form] >> xpath=..//summary") if not page.is_visible("[data-testid=doc-form]") \
            else None
        page.select_option("[data-testid=doc-form] select[name=kind]", kind)
        page.set_input_files("[data-testid=doc-form] input[name=file]", str(doc))
        page.click("[data-testid=doc-submit]")
        page.wait_for_url(detail)
    page.click("[data-testid=worker-form] >> xpath=..//summary")
    page.fill("[data-testid=worker-form] input[name=name]", "李四")
    page.fill("[data-testid=worker-form] input[name=id_number]", WORKER_ID)
    page.set_input_files("[data-testid=worker-form] input[name=photo]", str(photo))
    page.click("[data-testid=worker-submit]")
    page.wait_for_selector("[data-testid=worker-id]")
    assert WORKER_ID not in page.content()  # masked on screen
    page.click("[data-testid=submit-review]")
    _status(page, "in_review")

    # SPEC R-02: engineering fails one item
    _as(page, live_server, "a_dept_supervisor", detail)
    page.check("[data-testid=item-structure] input[value=fail]")
    page.fill("[data-testid=item-structure] input[name^=note_]", "客厅隔墙为承重墙,不得拆除")
    page.click("[data-testid=review-submit]")
    _status(page, "changes_required")

    # the plan is changed and reviewed again
    _as(page, live_server, "a_front_desk", detail)
    page.fill("[data-testid=plan-form] textarea[name=scope]", "厨卫翻新(保留客厅承重墙)")
    page.click("[data-testid=plan-submit]")
    _status(page, "in_review")
    _as(page, live_server, "a_dept_supervisor", detail)
    page.click("[data-testid=review-submit]")
    _status(page, "reviewed")

    # SPEC R-03: the head approves with the signed pledges; the front desk takes the deposit
    _as(page, live_server, "a_center_head", detail)
    for name in ("agreement", "fire_pledge", "cleaning_pledge"):
        page.set_input_files(f"[data-testid=approve-form] input[name={name}]", str(doc))
    page.click("[data-testid=approve-submit]")
    _status(page, "approved")
    _as(page, live_server, "a_front_desk", detail)
    page.fill("[data-testid=deposit-form] input[name=amount]", "2000.00")
    page.click("[data-testid=deposit-submit]")
    _status(page, "active")
    ren = Renovation.objects.get()
    permit = _pdf_text(page, "[data-testid=permit-pdf]")
    assert "开工证" in permit and site_a.units[0].code in permit and "08:00" in permit
    passes = _pdf_text(page, "[data-testid=passes-pdf]")
    assert "李四" in passes and ren.workers.get().pass_number in passes

    # SPEC: two patrols, one violation with a deduction
    _as(page, live_server, "a_zone_staff", detail)
    for team in ("客服张三、保安李四、工程王五", "客服张三、保安赵六"):
        page.fill("[data-testid=patrol-form] input[name=team]", team)
        page.click("[data-testid=patrol-submit]")
        page.wait_for_url(detail)
    assert page.locator("[data-testid=patrols] li").count() == 2
    page.select_option("[data-testid=violation-form] select[name=rule]", "common_area")
    page.fill("[data-testid=violation-form] textarea[name=description]", "电梯厅堆放装修材料")
    page.select_option("[data-testid=violation-form] select[name=measure]", "deduction")
    page.fill("[data-testid=violation-form] input[name=deduction_amount]", "300")
    page.click("[data-testid=violation-submit]")
    page.wait_for_selector("[data-testid=violations] li")
    _as(page, live_server, "a_finance", detail)
    page.click("[data-testid^=deduct-]")
    page.wait_for_selector("[data-testid=held]:has-text('1,700.00')")

    # SPEC R-07: completion, acceptance, inspection, refund minus the deduction
    _as(page, live_server, "a_front_desk", detail)
    page.click("[data-testid=complete-submit]")
    _status(page, "completed")
    page.click("[data-testid=acceptance-submit]")
    _status(page, "acceptance_applied")
    _as(page, live_server, "a_dept_supervisor", detail)
    page.click("[data-testid=inspect-submit]")
    _status(page, "accepted")
    _as(page, live_server, "a_finance", detail)
    page.fill("[data-testid=refund-form] input[name=amount]", "2000.00")  # more than held → refused
    page.click("[data-testid=refund-submit]")
    page.wait_for_selector("[data-testid=refund-form] .alert")
    _status(page, "accepted")
    page.fill("[data-testid=refund-form] input[name=amount]", "1700.00")
    page.click("[data-testid=refund-submit]")
    _status(page, "closed")
    assert "1,700.00" in _pdf_text(page, "[data-testid=refund-pdf]") or "1700.00" in _pdf_text(
        page, "[data-testid=refund-pdf]")
    moves = list(DepositMovement.objects.filter(reference=ren.reference).order_by("at", "id")
                 .values_list("kind", "amount"))
    assert moves == [("taken", Decimal("2000.00")), ("deducted", Decimal("300.00")), ("refunded", Decimal("1700.00"))]
    assert sum(LedgerEntry.objects.filter(unit=ren.unit, account=LedgerEntry.Account.DEPOSIT)
               .values_list("amount", flat=True)) == 0
