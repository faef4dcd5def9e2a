"""Issue 20.4: dispatch offers the workers grouped by department, and only the chosen department's people
may take the order — the form filters and the service refuses a worker of another department."""

import pytest

from core.errors import DomainError
from tests.tickets.helpers import T0, register
from tickets import forms as f
from tickets import services
from tickets.models import WorkOrder

pytestmark = pytest.mark.django_db


# SPEC T-03: the department works only from its dispatched order — a worker of another department is refused
def test_service_refuses_a_worker_of_another_department(site_a):
    order = register(site_a)  # a drain: the engineering department's job
    with pytest.raises(DomainError) as err:
        services.work_order_dispatch(order=order, actor=site_a.users["dept_supervisor"],
                                     department=site_a.depts["engineering"],
                                     assignee=site_a.staff["security_officer"], now=T0)
    assert err.value.code == "assignee"
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.REGISTERED and order.assignee is None


# SPEC T-03: an inactive worker cannot be given an order either
def test_service_refuses_an_inactive_worker(site_a):
    worker = site_a.staff["dept_staff"]
    worker.is_active = False
    worker.save()
    with pytest.raises(DomainError) as err:
        services.work_order_dispatch(order=register(site_a), actor=site_a.users["dept_supervisor"],
                                     department=site_a.depts["engineering"], assignee=worker, now=T0)
    assert err.value.code == "assignee"


# SPEC T-03: the department's own worker is accepted
def test_service_accepts_the_departments_worker(site_a):
    order = services.work_order_dispatch(order=register(site_a), actor=site_a.users["dept_supervisor"],
                                         department=site_a.depts["engineering"],
                                         assignee=site_a.staff["dept_staff"], now=T0)
    assert order.assignee == site_a.staff["dept_staff"] and order.department == site_a.depts["engineering"]


# SPEC T-03: the form groups the workers under their departments and marks each with its department
def test_form_groups_workers_by_department(site_a):
    order = register(site_a)
    form = f.DispatchForm(order=order)
    groups = {label for label, _options in form.fields["assignee"].choices if label}
    assert site_a.depts["engineering"].name in groups and site_a.depts["security"].name in groups
    html = str(form["assignee"])
    assert "<optgroup" in html and 'data-filter-by="department"' in html
    assert f'data-group="{site_a.depts["engineering"].pk}"' in html


# SPEC T-03: the form says so next to the field when the worker is of another department
def test_form_refuses_a_worker_of_another_department(site_a):
    order = register(site_a)
    form = f.DispatchForm({"department": site_a.depts["engineering"].pk, "version": order.version,
                           "assignee": site_a.staff["security_officer"].pk}, order=order)
    assert not form.is_valid()
    assert "assignee" in form.errors
