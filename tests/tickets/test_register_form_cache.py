"""Issue 13.12: the empty registration form's fields are rendered once per language and category list
(a fragment cache); a new category shows at once, the one-time key is fresh on every render."""

import re

import pytest
from django.urls import reverse

from tests.tickets.helpers import cat
from tickets.models import Category

pytestmark = pytest.mark.django_db


def test_cached_form_fields_follow_the_category_list_and_keep_fresh_keys(client, site_a):
    client.force_login(site_a.users["front_desk"])
    url = reverse("tickets:order_create")
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert cat("drain").name in second and 'name="content"' in second
    key = re.compile(r'name="submission_key" value="([0-9a-f]+)"')
    assert key.search(first)[1] != key.search(second)[1]
    base = cat("drain")
    Category.objects.create(code="zz_new", name="新增类别测试", department_kind=base.department_kind,
                            completion_policy=base.completion_policy)
    assert "新增类别测试" in client.get(url).content.decode()


def test_a_refused_form_is_rendered_with_its_input_not_from_the_cache(client, site_a):
    client.force_login(site_a.users["front_desk"])
    url = reverse("tickets:order_create")
    client.get(url)
    r = client.post(url, {"unit_code": "9-9-9999", "channel": "phone", "category": cat("drain").pk,
                          "content": "保留这段文字"})
    assert r.status_code == 200 and "保留这段文字" in r.content.decode()


def test_the_cached_work_done_first_section_is_the_clerks_site_and_follows_its_departments(client, site_a, site_b):
    # SPEC T-03: the work-done-first section lists the site's own departments and workers; it is cached
    # with the fields (issue 13.12), so the key names the site and changes with its departments and staff
    from estates.models import Department

    url = reverse("tickets:order_create")
    client.force_login(site_a.users["front_desk"])
    a_page = client.get(url).content.decode()
    b_dept = site_b.staff["front_desk"].department
    b_dept.name = "乙站专属部门"
    b_dept.save()
    assert "乙站专属部门" not in client.get(url).content.decode()
    client.force_login(site_b.users["front_desk"])
    assert "乙站专属部门" in client.get(url).content.decode()
    client.force_login(site_a.users["front_desk"])
    Department.objects.create(site=site_a.site, name="甲站新设部门", kind=b_dept.kind)
    assert "甲站新设部门" not in a_page and "甲站新设部门" in client.get(url).content.decode()
    worker = site_a.staff["front_desk"]
    worker.name = "改名后的员工"
    worker.save()
    assert "改名后的员工" in client.get(url).content.decode()
