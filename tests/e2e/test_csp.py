"""Issue 13.2 in a real browser: under the Content-Security-Policy the pages' scripts still work (lookup
pick, drawn signature, charts, language switch) and Chromium reports no violation."""

import io

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    return violations


def test_scripts_work_under_the_policy(page, live_server, site_a):
    from PIL import Image

    from tests.tickets.helpers import complete, dispatch, ensure_categories, register
    from tickets.models import WorkOrder

    ensure_categories()
    violations = _watch_csp(page)
    earlier = register(site_a, unit=1)  # 3-2-1502 has an open order: picking the unit shows it
    order = complete(site_a, dispatch(site_a, register(site_a, unit=0)))

    login(page, live_server, "a_front_desk")
    resp = page.goto(f"{live_server.url}/tickets/new/")
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    page.fill("#id_unit_code", "3-2-15")
    page.click("[data-testid=lookup] >> text=3-2-1502")  # estates/unit_pick.js
    page.wait_for_selector(f"#duplicates >> text={earlier.number}")
    assert page.input_value("#id_unit") == str(site_a.units[1].pk)

    # the drawn signature (static/js/propserv.js) reaches the server and is stored re-encoded
    page.context.clear_cookies()
    login(page, live_server, "a_dept_staff")
    page.goto(f"{live_server.url}/tickets/{order.pk}/")
    pad = page.locator("[data-testid=action-evaluate] canvas[data-signature-pad]")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 120, box["y"] + 60, steps=8)
    page.mouse.up()
    assert page.input_value("[data-testid=action-evaluate] [name=signature_png]").startswith("data:image/png")
    page.check("[data-testid=action-evaluate] input[value=satisfied]")
    page.fill("[data-testid=action-evaluate] input[name=signer_name]", "王建国")
    page.click("[data-testid=do-evaluate]")
    page.wait_for_load_state()
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.signature
    with order.signature.open("rb") as fh, Image.open(io.BytesIO(fh.read())) as img:
        assert img.format == "PNG"
    signature = page.request.get(f"{live_server.url}/tickets/{order.pk}/signature.png")
    assert signature.headers["content-type"] == "image/png"
    assert signature.headers["x-content-type-options"] == "nosniff"

    # charts drawn from a static file; the language switch submits without an inline handler
    page.context.clear_cookies()
    login(page, live_server, "a_site_director")
    page.goto(f"{live_server.url}/complaints/statistics/")
    page.click("[data-testid=user-menu]")  # the language switch sits in the user's menu (issue 20.9)
    with page.expect_navigation():
        page.select_option("[data-testid=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert not violations, violations
