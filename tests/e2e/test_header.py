"""Issue 20.9: the supervisor's header fits on one line on a 1280 px screen (menus, quick actions, bell,
language, name and log-out in one row of the navbar)."""

import os

import pytest

from core.roles import Role
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# one row of Bootstrap's navbar: 56 px; a second row would make it at least ~95 px
ONE_LINE_PX = 64


@pytest.mark.parametrize("role", [Role.CS_SUPERVISOR.value, Role.SITE_DIRECTOR.value, Role.CENTER_HEAD.value])
def test_supervisor_header_is_one_line_at_1280(page, live_server, site_a, role):
    login(page, live_server, f"a_{role}")
    page.goto(f"{live_server.url}/?menu=1")
    nav = page.locator("nav.navbar").first
    box = nav.bounding_box()
    assert page.viewport_size["width"] == 1280
    if os.environ.get("E2E_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["E2E_SCREENSHOTS"], f"header-{role}.png"))
    assert box is not None and box["height"] <= ONE_LINE_PX, f"navbar {box['height']} px high for {role}"
    # nothing of it is cut off at the right edge
    right = page.evaluate("Math.max(...[...document.querySelectorAll('nav.navbar *')]"
                          ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect().right))")
    assert right <= 1280
