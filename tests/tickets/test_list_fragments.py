"""Issue 21.2: the front-desk list renders its rows and filter choices once per content.

The fragments are cached under a digest of what they show, so a change of any order shows on the very
next request, another site's change neither re-renders nor leaks into this site's list, and the overdue
marker follows the clock. `response.templates` tells a render (the template is listed) from a cache hit.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import signals
from django.urls import reverse

from estates.models import Department, Site, Unit, Zone
from tests.tickets.helpers import T0, register
from tickets import selectors
from tickets.models import Category, WorkOrder

pytestmark = pytest.mark.django_db

TABLE = "tickets/partials/_order_table.html"
FILTERS = "tickets/partials/_order_filters.html"


def _get(client, **params):
    r = client.get(reverse("tickets:order_list"), params)
    assert r.status_code == 200
    return r, r.content.decode(), {t.name for t in r.templates}


def test_changed_order_shows_on_next_request(client, site_a):
    # SPEC T-01 (the front desk finds what was registered), issue 21.2: no stale row after any kind of write
    order = register(site_a, now=T0)
    client.force_login(site_a.users["front_desk"])
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        _r, html, rendered = _get(client)
        assert TABLE in rendered and order.number in html
        _r, html, rendered = _get(client)
        assert TABLE not in rendered and FILTERS not in rendered  # same content: read from the cache
        assert order.number in html

        WorkOrder.objects.filter(pk=order.pk).update(location="二号楼大堂东侧")  # raw update, no service
        _r, html, rendered = _get(client)
        assert TABLE in rendered and "二号楼大堂东侧" in html

        Category.objects.filter(pk=order.category_id).update(name="下水道疏通改名")  # a name the row shows
        _r, html, _rendered = _get(client)
        assert "下水道疏通改名" in html

        second = register(site_a, now=T0 + timedelta(minutes=1), unit=1)
        _r, html, _rendered = _get(client)
        assert second.number in html

        WorkOrder.objects.filter(pk=second.pk).delete()
        _r, html, _rendered = _get(client)
        assert second.number not in html and order.number in html


def test_other_site_change_neither_invalidates_nor_leaks(client, site_a, site_b):
    # SPEC X-02: a site's staff see their own site's orders only; issue 21.2: B's writes leave A's cache alone
    a_order = register(site_a, now=T0, location="A区三号楼门厅")  # numbers are per site: told apart by place
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        client.force_login(site_a.users["front_desk"])
        _get(client)
        b_order = register(site_b, now=T0 + timedelta(minutes=2))
        WorkOrder.objects.filter(pk=b_order.pk).update(location="B区门岗")
        r, html, rendered = _get(client)
        assert TABLE not in rendered  # still A's cached rows: nothing of A changed
        assert [o.pk for o in r.context["orders"]] == [a_order.pk]
        assert "A区三号楼门厅" in html and "B区门岗" not in html

        client.force_login(site_b.users["front_desk"])
        r, html, rendered = _get(client)
        assert TABLE in rendered and [o.pk for o in r.context["orders"]] == [b_order.pk]
        assert "B区门岗" in html and "A区三号楼门厅" not in html


def test_overdue_marker_follows_the_clock(client, site_a):
    # SPEC T-11: an order past its deadline is marked on the list for the front desk to chase
    order = register(site_a, now=T0)
    client.force_login(site_a.users["front_desk"])
    due = WorkOrder.objects.get(pk=order.pk).due_at
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        _r, html, _rendered = _get(client)
        assert "text-danger fw-bold" not in html
    with time_machine.travel(due + timedelta(seconds=1), tick=False):  # same minute, one instant later
        _r, html, rendered = _get(client)
        assert TABLE in rendered and "text-danger fw-bold" in html


def test_htmx_table_and_filters_match_the_page(client, site_a):
    # issue 21.2: the fragment the filters fetch is the page's own table; a filter shows as selected
    order = register(site_a, now=T0)
    client.force_login(site_a.users["front_desk"])
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        _r, page, _rendered = _get(client, zone=site_a.zone.pk)
        part = client.get(reverse("tickets:order_list"), {"zone": site_a.zone.pk},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-table").content.decode()
        assert order.number in part and part in page
        assert f'<option value="{site_a.zone.pk}" selected>' in page
        _r, page, _rendered = _get(client)
        assert f'<option value="{site_a.zone.pk}" selected>' not in page


def test_row_names_without_joins(client, site_a, django_assert_max_num_queries):
    # issue 21.2: the page query has no join; an inactive category (not among the filter choices) is read apart
    order = register(site_a, now=T0)
    Category.objects.filter(pk=order.category_id).update(is_active=False)
    client.force_login(site_a.users["front_desk"])
    _get(client)
    with django_assert_max_num_queries(6) as ctx:
        r, html, _rendered = _get(client)
    assert not any("JOIN" in q["sql"] and "tickets_workorder" in q["sql"].split("FROM")[1][:40]
                   for q in ctx.captured_queries)
    row = r.context["orders"][0]
    assert (row.category.name, row.unit.code, row.zone.name) == (order.category.name, order.unit.code,
                                                                 order.zone.name)
    assert order.category.name in html


def _orm_names(site_ids, sites):
    def rows(qs, *fields):
        return [tuple(getattr(o, f) for f in fields) for o in qs]

    return {"categories": rows(Category.objects.filter(is_active=True).order_by("sort", "name", "pk"), "pk", "name"),
            "departments": rows(Department.objects.filter(site_id__in=site_ids).order_by("site", "kind", "name", "pk"),
                                "pk", "name"),
            "zones": rows(Zone.objects.filter(site_id__in=site_ids).order_by("site", "name", "pk"), "pk", "name"),
            "sites": rows(Site.objects.filter(pk__in=site_ids).order_by("name", "pk"), "pk", "name", "code")
            if sites else []}


def test_filter_choices_in_one_query_match_the_models_order(site_a, site_b, django_assert_num_queries):
    # issue 21.2: the choices and the page's units in one statement, the same rows in the same order as the
    # models' own querysets (Meta.ordering; departments and zones by their site's name), ties by id
    Zone.objects.create(site=site_b.site, name="A一片区")  # same name as A's zone, at the other site
    Department.objects.create(site=site_a.site, kind="engineering", name="工程部")  # a tie broken by id
    Category.objects.filter(code="lamp").update(is_active=False)
    ids = [site_a.site.pk, site_b.site.pk]
    units = [site_a.units[0].pk, site_b.units[1].pk]
    with django_assert_num_queries(1):
        got = selectors.work_order_list_names(ids, units, sites=True)
    expect = _orm_names(ids, True)
    assert {k: [tuple(getattr(o, f) for f in (("pk", "name", "code") if k == "sites" else ("pk", "name")))
                for o in got[k]] for k in expect} == expect
    assert {pk: u.code for pk, u in got["units"].items()} == {site_a.units[0].pk: site_a.units[0].code,
                                                             site_b.units[1].pk: site_b.units[1].code}
    one = selectors.work_order_list_names([site_a.site.pk], [], sites=False)
    assert [o.pk for o in one["zones"]] == [site_a.zone.pk] and one["sites"] == [] and one["units"] == {}
    assert [(o.pk, o.name) for o in one["departments"]] == _orm_names([site_a.site.pk], False)["departments"]
    assert selectors.work_order_list_names([], [], sites=False)["departments"] == []
    # the rows are made without the model constructor: only sound while no init signal listens to these models,
    # and they are what `.only()` gives (the other columns deferred, read on access)
    assert not any(signals.pre_init.has_listeners(m) or signals.post_init.has_listeners(m)
                   for m in (Category, Department, Zone, Site, Unit))
    category = got["categories"][0]
    orm = Category.objects.only("id", "name").get(pk=category.pk)
    assert category.get_deferred_fields() == orm.get_deferred_fields()
    assert category.code == Category.objects.get(pk=category.pk).code


def test_list_page_from_its_fragments_is_two_queries(client, site_a, django_assert_num_queries):
    # issue 21.2: the page query and one for the filter choices with the page's units; nothing else once the
    # rows and the menu are cached (the session and the user come from the cache too)
    order = register(site_a, now=T0)
    client.force_login(site_a.users["front_desk"])
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        _get(client)
        with django_assert_num_queries(2):
            r, html, rendered = _get(client)
    assert TABLE not in rendered and order.number in html and order.unit.code in html


def test_kept_page_statement_reads_what_the_orm_reads_and_no_clock_is_kept(site_a, site_b):
    # issue 21.2: the page query's SQL is compiled once per kind (user, sites, roles, filters, page); the rows
    # are read anew each time, and a statement with a clock reading in it (overdue, due today) is never kept
    from django.http import QueryDict

    first, second = register(site_a, now=T0), register(site_a, now=T0 + timedelta(minutes=1), unit=1)
    register(site_b, now=T0)
    user = site_a.users["front_desk"]
    selectors._PAGE_SQL.clear()

    def orm(params):
        return list(selectors.work_order_list(user, params).values_list(*selectors.LIST_FIELDS)[:26])

    for params in (QueryDict(""), QueryDict(f"status=registered&zone={site_a.zone.pk}")):
        assert selectors.work_order_list_page(user, params, 1, 25) == (orm(params), 1, False)
        assert len(selectors._PAGE_SQL) == (1 if not params else 2)
    WorkOrder.objects.filter(pk=second.pk).update(location="新位置")  # read anew from the kept statement
    rows, _number, _next = selectors.work_order_list_page(user, QueryDict(""), 1, 25)
    assert rows == orm(QueryDict("")) and [r[0] for r in rows] == [second.pk, first.pk] and "新位置" in rows[0]
    due = WorkOrder.objects.get(pk=first.pk).due_at
    for at, expect in ((due - timedelta(seconds=1), []), (due + timedelta(seconds=1), [first.pk])):
        with time_machine.travel(at, tick=False):
            rows, _number, _next = selectors.work_order_list_page(user, QueryDict("overdue=1"), 1, 25)
            assert [pk for pk, *_rest in rows if pk == first.pk] == expect
    assert len(selectors._PAGE_SQL) == 3 and all(selectors._PAGE_SQL.values())  # overdue kept, "now" filled in
    with time_machine.travel(T0, tick=False):  # due today: the day's bounds, compiled each request
        assert selectors.work_order_list_page(user, QueryDict("due=today"), 1, 25)[0] == []
    with time_machine.travel(due, tick=False):
        assert [r[0] for r in selectors.work_order_list_page(user, QueryDict("due=today"), 1, 25)[0]] == [
            second.pk, first.pk]
    assert sorted(map(bool, selectors._PAGE_SQL.values())) == [False, True, True, True]
    other = selectors.work_order_list_page(site_b.users["front_desk"], QueryDict(""), 1, 25)[0]
    assert {r[1] for r in other} == {site_b.site.pk}
