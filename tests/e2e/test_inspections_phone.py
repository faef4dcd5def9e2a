"""SPEC A-01 in a phone-sized browser: an inspection with a failed item and a camera photo →
the owner reports the rectification done → someone else verifies and closes it."""

import io

import pytest
from PIL import Image

from inspections.models import ChecklistTemplate, Inspection, Rectification
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def test_inspection_failed_item_photo_rectification_verification(browser, live_server, site_a):
    template = ChecklistTemplate.objects.get(name="保洁质量巡检表")
    items = list(template.items.order_by("position"))
    owner = site_a.staff["dept_staff"]

    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    login(page, live_server, "a_zone_manager")
    page.goto(f"{live_server.url}/inspections/new/")
    page.select_option("select[name=kind]", "zone_manager")
    page.select_option("select[name=template]", str(template.pk))
    page.select_option("select[name=zone]", str(site_a.zone.pk))
    page.get_by_role("button", name="打开检查表").click()
    for item in items[1:]:
        page.locator(f"label[for=id_i{item.pk}_result_0]").click()  # 合格
    first = items[0]
    page.locator(f"label[for=id_i{first.pk}_result_1]").click()  # 不合格
    page.fill(f"input[name=i{first.pk}_score]", "4")
    card = page.locator(f".checklist-item[data-item='{first.pk}']")
    card.locator("summary").click()
    page.fill(f"input[name=i{first.pk}_note]", "楼道有垃圾")
    page.set_input_files(f"input[name=i{first.pk}_photos]",
                         files=[{"name": "p.png", "mimeType": "image/png", "buffer": _png()}])
    page.select_option(f"select[name=i{first.pk}_owner]", str(owner.pk))
    page.get_by_test_id("submit-inspection").click()
    page.wait_for_url(lambda url: "/inspections/" in url and "/new/" not in url)
    inspection = Inspection.objects.get()
    assert inspection.failed_count == 1 and inspection.photos.count() == 1
    rect = Rectification.objects.get()
    assert page.locator("img.img-thumbnail").count() == 1
    ctx.close()

    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    login(page, live_server, "a_dept_staff")
    page.goto(f"{live_server.url}/inspections/rectifications/{rect.pk}/")
    page.fill("textarea[name=note]", "已清扫干净")
    page.get_by_role("button", name="报告已完成").click()
    page.wait_for_url(f"**/inspections/rectifications/{rect.pk}/")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.DONE
    assert page.get_by_role("button", name="记录验证结果").count() == 0  # the owner does not verify
    ctx.close()

    ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    login(page, live_server, "a_cs_supervisor")
    page.goto(f"{live_server.url}/inspections/rectifications/{rect.pk}/")
    page.locator("label[for=v-yes]").click()
    page.get_by_role("button", name="记录验证结果").click()
    page.wait_for_url(f"**/inspections/rectifications/{rect.pk}/")
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.VERIFIED
    assert page.locator("#rect-status").inner_text().strip() == "已验证关闭"
    ctx.close()
