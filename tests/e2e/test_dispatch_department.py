"""Issue 20.4 in a browser: the dispatch form offers only the chosen department's workers, grouped by
department; changing the department changes the list."""

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# SPEC T-03: the department works from its dispatched order — its own people are the ones offered
def test_dispatch_offers_the_departments_workers(page, live_server, site_a):
    from tests.tickets.helpers import ensure_categories, register

    ensure_categories()
    order = register(site_a)  # engineering's job
    eng, sec = site_a.depts["engineering"], site_a.depts["security"]
    worker, guard = site_a.staff["dept_staff"], site_a.staff["security_officer"]
    login(page, live_server, "a_dept_supervisor")
    page.goto(f"{live_server.url}/tickets/{order.pk}/")
    card = page.get_by_test_id("action-dispatch")
    dept = card.locator("select[name=department]")
    worker_select = card.locator("select[name=assignee]")
    assert dept.input_value() == str(eng.pk)
    offered = worker_select.locator("option:not([hidden])[data-group]")
    assert set(offered.evaluate_all("os => os.map(o => o.value)")) >= {str(worker.pk)}
    assert str(guard.pk) not in offered.evaluate_all("os => os.map(o => o.value)")
    assert worker_select.locator("optgroup").first.get_attribute("label")
    # another department: its people, and the worker chosen before is dropped
    worker_select.select_option(str(worker.pk))
    dept.select_option(str(sec.pk))
    values = offered.evaluate_all("os => os.map(o => o.value)")
    assert str(guard.pk) in values and str(worker.pk) not in values
    assert worker_select.input_value() == ""
