"""Reads (STYLE §2): visibility and query shape decided once, so no view can forget them."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable
from contextlib import suppress
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.base import ModelState
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.paging import CountlessPage
from core.roles import user_roles
from core.worktime import TZ
from estates.models import Department, Resident, Site, Unit, Zone
from estates.selectors import site_ids_visible_to
from tickets.models import Category, Charge, Extension, Material, WorkOrder, WorkOrderEvent, WorkOrderPhoto

UNIT_RE = re.compile(r"^[0-9A-Za-z]+-[0-9A-Za-z]+-[0-9A-Za-z]+$")
PHONE_RE = re.compile(r"^\+?[0-9\- ]{5,20}$")
# a number qualified by its site code: numbers are unique per site only (SPEC T-02, issue 23.8)
SITE_NUMBER_RE = re.compile(r"^(?P<site>[0-9A-Za-z]+)[\s/·:-]*(?P<number>[Bb][Ss]-[0-9-]*)$")

# the list's own columns only, no join (issue 21.2): at 1,000,000 orders PostgreSQL spent 3–30 ms *planning*
# the five-join page query (0.2 ms without joins; executing either is ~0.3 ms); the names come from the
# filter choices the page loads anyway and the units by key, in one query (`work_order_list_names`)
LIST_FIELDS = ("id", "site_id", "number", "unit_id", "location", "reporter_name", "phone", "status",
               "is_emergency", "registered_late", "received_at", "due_at", "category_id", "department_id",
               "zone_id", "rework_count", "content")


def work_order_list_visible_to(user) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(site_id__in=site_ids_visible_to(user))


# the order's lists shown on its page: asked in the order's own query whether each has a row, so an
# empty one costs no query (issue 21.3: the detail page in ≤ 10 queries for every role)
DETAIL_LISTS = {"charges": Charge, "materials": Material, "extensions": Extension, "photos": WorkOrderPhoto}


def work_order_get(user, pk: int) -> WorkOrder:
    order = get_object_or_404(
        work_order_list_visible_to(user).select_related(
            # few joins: planning grows fast with them at 1M rows (7 joins: 3.1 ms, 5: 0.8 ms; a 16-join
            # plan cost ~35 ms, bench/tickets.py); people are fetched apart (the receiver with their
            # staff record in one query), the rarely shown signers when displayed
            "site", "unit", "zone", "category", "department").prefetch_related(
            Prefetch("receiver", queryset=get_user_model().objects.select_related("staff")), "assignee")
        .annotate(**{f"has_{name}": Exists(model._default_manager.filter(order=OuterRef("pk")))
                     for name, model in DETAIL_LISTS.items()},
                  has_voided=_voided_exists(Charge) | _voided_exists(Material)),
        pk=pk)
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name in DETAIL_LISTS:
        if not getattr(order, f"has_{name}"):  # known empty: a later prefetch of it asks nothing
            cache[name] = getattr(order, name).none()
    return order


def _voided_exists(model) -> Exists:
    return Exists(model.all_objects.filter(order=OuterRef("pk"), voided_at__isnull=False))


def work_order_voided_rows(order: WorkOrder) -> dict[str, list]:
    """SPEC X-01: the charges and materials of an earlier completion, voided when it was entered again after
    rework (when, why), oldest first. Asked only when the order's own query saw one (`has_voided`), in the
    same query per list as the rows in force, which it leaves in the order's prefetch cache (issue 21.3)."""
    voided: dict[str, list] = {"charges": [], "materials": []}
    if not getattr(order, "has_voided", True):
        return voided
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, model in (("charges", Charge), ("materials", Material)):
        rows = list(model.all_objects.filter(order=order).order_by("voided_at", "pk"))
        voided[name] = [r for r in rows if r.voided_at is not None]
        current = getattr(order, name).all()  # what a prefetch leaves: the in-force rows, nothing asked again
        current._result_cache = [r for r in rows if r.voided_at is None]
        current._prefetch_done = True
        cache[name] = current
    return voided


def _search(qs: QuerySet[WorkOrder], q: str) -> QuerySet[WorkOrder]:
    """Search by number, unit, resident or phone — the shape of the text picks one indexed column."""
    q = q.strip()
    if not q:
        return qs
    if q.upper().startswith("BS-"):
        return qs.filter(number__startswith=q.upper())
    qualified = SITE_NUMBER_RE.match(q)
    if qualified:  # issue 23.8: "SSTY BS-20261201-0004" names one order across the company
        return qs.filter(site__code__iexact=qualified["site"], number__startswith=qualified["number"].upper())
    if UNIT_RE.match(q):
        return qs.filter(unit__code=q)
    if PHONE_RE.match(q) and sum(c.isdigit() for c in q) >= 5:
        return qs.filter(phone=q)
    residents = Resident.objects.filter(name=q).values("pk")
    return qs.filter(Q(resident_id__in=residents) | Q(reporter_name=q))


def work_order_filter(qs: QuerySet[WorkOrder], params, *, now: datetime | None = None) -> QuerySet[WorkOrder]:
    """GET filters: status, category, department, zone, overdue=1, due=today, site, q, assignee."""
    now = now or timezone.now()

    def ids(name: str) -> list[int]:
        return [int(v) for v in params.getlist(name) if str(v).isdigit()] if hasattr(params, "getlist") else (
            [int(params[name])] if str(params.get(name, "")).isdigit() else [])

    statuses = [s for s in (params.getlist("status") if hasattr(params, "getlist") else [params.get("status", "")])
                if s]
    if statuses == ["open"]:
        statuses = list(WorkOrder.OPEN_STATES)
    if statuses:
        qs = qs.filter(status__in=statuses)
    for field in ("category", "department", "zone", "site", "assignee"):
        values = ids(field)
        if values:
            qs = qs.filter(**{f"{field}_id__in": values})
    if params.get("overdue") == "1":
        qs = qs.filter(status__in=WorkOrder.OPEN_STATES, due_at__lt=now)
    if params.get("due") == "today":
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        qs = qs.filter(status__in=WorkOrder.OPEN_STATES, due_at__gte=start, due_at__lt=start + timedelta(days=1))
    if params.get("emergency") == "1":
        qs = qs.filter(is_emergency=True)
    if params.get("late") == "1":  # SPEC T-03: worked first, registered afterwards
        qs = qs.filter(registered_late=True)
    return _search(qs, params.get("q", ""))


def work_order_list(user, params, *, now: datetime | None = None) -> QuerySet[WorkOrder]:
    qs = work_order_filter(work_order_list_visible_to(user), params, now=now)
    return qs.only(*LIST_FIELDS).order_by("-received_at", "-id")


# The page query's compiled SQL, per process, for what the query is made of (issue 21.2: building and compiling
# it was ~1 ms of the list page's CPU): the user, their visible sites and roles, the filters asked and the page.
# Kept when the statement does not change with the clock, or only by the time itself as a parameter (overdue),
# so a kept statement, with the time filled in, is the one the ORM would compile now.
_PAGE_SQL: dict[tuple, tuple] = {}
_CLOCKED = ()  # a kind whose statement depends on the time otherwise than as "now": compiled each request
PAGE_SQL_KEPT = 256


def work_order_list_page(user, params, number: int, size: int) -> tuple[list[tuple], int, bool]:
    """Page `number` of `work_order_list` as LIST_FIELDS tuples: (rows, the page's number, whether a next page
    exists). Past the end: the last page (core.paging.CountlessPage, which the first request of a kind uses)."""
    lists = params.lists() if hasattr(params, "lists") else ((k, [v]) for k, v in params.items())
    key = (getattr(user, "pk", None), tuple(site_ids_visible_to(user)), tuple(sorted(user_roles(user))),
           tuple(sorted((k, tuple(v)) for k, v in lists)), number, size)
    kept, now = _PAGE_SQL.get(key), timezone.now()
    if kept is None or kept is _CLOCKED:
        def compiled(at: datetime):
            qs = work_order_list(user, params, now=at).values_list(*LIST_FIELDS)
            compiler = qs[(number - 1) * size: number * size + 1].query.get_compiler(connection.alias)
            return compiler, *compiler.as_sql()

        compiler, sql, sql_params = compiled(now)
        kept_now = (sql, tuple(sql_params), (), compiler, compiler.get_converters([s[0] for s in compiler.select]))
        # compiled again for another day and hour: the same statement, or one whose only differing parameters
        # are the clock itself (overdue: due_at < now), is kept, the clock's places noted and filled in each
        # request; any other dependence on the time (due today: the day's bounds) is remembered as such and
        # compiled each request. Each backend adapts a time its own way: compared as the backend adapted it.
        if kept is None:
            later = now + timedelta(days=1, hours=1)
            _compiler, other_sql, other_params = compiled(later)
            differ = [i for i, (x, y) in enumerate(zip(sql_params, other_params, strict=True)) if x != y] \
                if other_sql == sql and len(other_params) == len(sql_params) else None
            adapt = connection.ops.adapt_datetimefield_value
            clock = differ is not None and all(sql_params[i] == adapt(now) and other_params[i] == adapt(later)
                                               for i in differ)
            with suppress(KeyError, RuntimeError, StopIteration):  # another thread evicting at once
                if len(_PAGE_SQL) >= PAGE_SQL_KEPT:
                    _PAGE_SQL.pop(next(iter(_PAGE_SQL)))  # the oldest
            _PAGE_SQL[key] = (*kept_now[:2], tuple(differ or ()), *kept_now[3:]) if clock else _CLOCKED
        kept = kept_now
    sql, sql_params, at_now, compiler, converters = kept
    if at_now:
        adapted, sql_params = connection.ops.adapt_datetimefield_value(now), list(sql_params)
        for i in at_now:
            sql_params[i] = adapted
    with connection.cursor() as cursor:
        cursor.execute(sql, sql_params)
        rows = cursor.fetchall()
    if converters:
        rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
    if not rows and number > 1:  # past the end: the last page, counted (the rare case)
        page = CountlessPage(work_order_list(user, params).values_list(*LIST_FIELDS), number, size)
        return page.object_list, page.number, page.has_next
    return rows[:size], number, len(rows) > size


def work_order_list_related(rows: list[tuple], known: dict[str, list]) -> dict[str, dict]:
    """For a page of `work_order_list` rows (tuples of LIST_FIELDS), each kind of `known` (a list of such
    objects, e.g. the filter choices) by key, completed with those the rows name that are not among them
    (such as an inactive category: one query per kind, only then)."""
    related = {"site": Site, "category": Category, "department": Department, "zone": Zone}
    out = {}
    for name, objs in known.items():
        by_pk = {obj.pk: obj for obj in objs}
        at = LIST_FIELDS.index(f"{name}_id")
        missing = {row[at] for row in rows} - set(by_pk) - {None}
        if missing:
            model = related[name]
            fields = ("id", "code", "name") if model is Site else ("id", "name")
            by_pk |= {obj.pk: obj for obj in model._default_manager.filter(pk__in=missing).only(*fields)}
        out[name] = by_pk
    return out


def work_order_list_orders(rows: list[tuple], related: dict[str, dict], units: dict[int, Unit]) -> list[WorkOrder]:
    """The rows as WorkOrder instances (the LIST_FIELDS loaded, as `.only()` gives) with their site, category,
    department, zone (those of `related`) and unit already attached: what the table template reads."""
    attnames = [f.attname for f in WorkOrder._meta.concrete_fields if f.attname in LIST_FIELDS]
    at = [LIST_FIELDS.index(name) for name in attnames]
    orders = []
    for row in rows:
        order = WorkOrder.from_db(connection.alias, attnames, [row[i] for i in at])
        cache = order._state.fields_cache
        for name, by_pk in related.items():
            pk = getattr(order, f"{name}_id")
            cache[name] = by_pk.get(pk) if pk is not None else None
        cache["unit"] = units.get(order.unit_id) if order.unit_id is not None else None
        orders.append(order)
    return orders


# `work_order_list_names`: one branch per kind, each numbered in its model's own order (Meta.ordering, then id;
# departments and zones by their site's name, as the ORM orders them); the units last, by key
_NAMES_SQL = (
    "SELECT 0 AS k, t.id, t.name, '' AS code, ROW_NUMBER() OVER (ORDER BY t.sort, t.name, t.id) AS rn "
    "FROM {category} t WHERE t.is_active",
    "SELECT 1, t.id, t.name, '', ROW_NUMBER() OVER (ORDER BY s.name, t.kind, t.name, t.id) "
    "FROM {department} t JOIN {site} s ON s.id = t.site_id WHERE t.site_id IN ({sites})",
    "SELECT 2, t.id, t.name, '', ROW_NUMBER() OVER (ORDER BY s.name, t.name, t.id) "
    "FROM {zone} t JOIN {site} s ON s.id = t.site_id WHERE t.site_id IN ({sites})",
    "SELECT 3, t.id, t.name, t.code, ROW_NUMBER() OVER (ORDER BY t.name, t.id) FROM {site} t WHERE t.id IN ({sites})",
    "SELECT 4, t.id, '', t.code, 0 FROM {unit} t WHERE t.id IN ({units})",
)


def _list_names_sql(n_sites: int, with_sites: bool, n_units: int) -> str:
    # table names from the models' own meta and placeholders only: nothing from the request in the SQL
    names = {m.__name__.lower(): m._meta.db_table for m in (Category, Department, Zone, Site, Unit)}
    branches = [sql.format(**names, sites=",".join(["%s"] * n_sites) or "NULL", units=",".join(["%s"] * n_units))
                for i, sql in enumerate(_NAMES_SQL) if i < 3 or (i == 3 and with_sites) or (i == 4 and n_units)]
    return "SELECT k, id, name, code FROM (" + " UNION ALL ".join(branches) + ") x ORDER BY k, rn"  # noqa: S608


def _row(model, **values):
    """A model instance of the given columns only, the others deferred: what `.only()` gives, without the
    per-field constructor (a few dozen per list page; these models have no init signal receivers)."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, connection.alias
    obj.__dict__.update(values)
    return obj


def work_order_list_names(site_ids: list[int], unit_ids: Iterable[int] = (), *, sites: bool) -> dict:
    """The work-order list's filter choices — the active categories, the sites' departments and zones and,
    with `sites`, the sites themselves — and the units of a page's orders (`units`: by key, with their
    codes), in one statement (issue 21.2: four ORM queries and the units' one were a third of the page's
    CPU). The same rows, in the same order, as `Category.objects.filter(is_active=True)`,
    `Department/Zone.objects.filter(site_id__in=…)` and `Site.objects.filter(pk__in=…)` give (ties by id)."""
    unit_ids = sorted(set(unit_ids))
    params = [*site_ids, *site_ids, *(site_ids if sites else []), *unit_ids]
    with connection.cursor() as cursor:  # raw: a fifth of the ORM's CPU for the same rows
        cursor.execute(_list_names_sql(len(site_ids), sites, len(unit_ids)), params)
        rows = cursor.fetchall()
    out: dict = {"categories": [], "departments": [], "zones": [], "sites": [], "units": {}}
    for k, pk, name, code in rows:
        if k == 0:
            out["categories"].append(_row(Category, id=pk, name=name))
        elif k == 1:
            out["departments"].append(_row(Department, id=pk, name=name))
        elif k == 2:
            out["zones"].append(_row(Zone, id=pk, name=name))
        elif k == 3:
            out["sites"].append(_row(Site, id=pk, name=name, code=code))
        else:
            out["units"][pk] = _row(Unit, id=pk, code=code)
    return out


def open_orders_of_unit(unit: Unit, *, exclude_pk: int | None = None) -> QuerySet[WorkOrder]:
    """Duplicate hint for the registration form (T-01)."""
    qs = WorkOrder.objects.filter(unit=unit, status__in=WorkOrder.OPEN_STATES).select_related("category")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-received_at")[:10]


def work_order_by_number(site_id: int, number: str) -> WorkOrder | None:
    """A site's work order by its number (another app links one, e.g. a key use, SPEC K-03)."""
    return WorkOrder.objects.filter(site_id=site_id, number=number).first()


def category_for_department_kind(kind: str) -> Category | None:
    """The active category for work of a department kind (non-emergency first), else engineering's (C-04)."""
    qs = Category.objects.filter(is_active=True).order_by("is_emergency", "sort", "pk")
    return qs.filter(department_kind=kind).first() or qs.filter(department_kind="engineering").first()


def work_order_channel(channel: str) -> str:
    """A channel code of another app (complaints: phone, visit, letter…) as a work-order channel."""
    return channel if channel in (WorkOrder.Channel.PHONE, WorkOrder.Channel.VISIT) else WorkOrder.Channel.OTHER


def settlement(site_ids: list[int], year: int, month: int) -> dict:
    """SPEC T-13: orders with charges completed in the month, totalled per department (结算联).

    Only charges the CS supervisor approved (T-07) are settled (issue 16.5); the others are listed
    apart as waiting for approval, with their amounts, so nothing is silently left out."""
    start = datetime(year, month, 1, tzinfo=TZ)
    end = start + timedelta(days=monthrange(year, month)[1])
    charges = Charge.objects.filter(order__site_id__in=site_ids, order__completed_at__gte=start,
                                    order__completed_at__lt=end).exclude(order__status=WorkOrder.Status.CANCELLED)
    approved = charges.filter(order__charges_approved_by__isnull=False)
    by_dept = list(approved.values("order__department__name", "order__site__name")
                   .annotate(total=Sum("amount"), orders=Count("order", distinct=True))
                   .order_by("order__site__name", "order__department__name"))

    def _orders(rows: QuerySet[Charge]) -> list[WorkOrder]:
        return list(WorkOrder.objects.filter(pk__in=rows.values("order_id"))
                    .select_related("site", "department", "unit", "charges_approved_by__staff")
                    .annotate(total=Sum("charges__amount", filter=Q(charges__voided_at__isnull=True)))
                    .order_by("department__name", "number"))

    pending = _orders(charges.filter(order__charges_approved_by__isnull=True))
    return {"by_department": by_dept, "orders": _orders(approved), "start": start, "end": end,
            "total": sum((r["total"] for r in by_dept), Decimal("0.00")),
            "pending": pending,
            "pending_total": sum((getattr(o, "total", None) or Decimal("0.00") for o in pending), Decimal("0.00"))}


def orders_with_approved_charges(site_ids: list[int]) -> QuerySet[WorkOrder]:
    """SPEC F-06/T-07: orders whose paid-service charges engineering checked and the CS supervisor
    approved, with their charges; `fees` posts them to the unit's account (tickets never imports fees)."""
    return (WorkOrder.objects.filter(site_id__in=site_ids, charges_approved_by__isnull=False, unit__isnull=False)
            .exclude(status=WorkOrder.Status.CANCELLED)
            .filter(charges__isnull=False, charges__voided_at__isnull=True).distinct()  # voided rows are history
            .select_related("unit").prefetch_related("charges"))


def work_orders_of_unit(site_id: int, unit_id: int) -> QuerySet[WorkOrder]:
    """A household's work orders, newest first (the resident pages, SPEC P-02)."""
    return (WorkOrder.objects.filter(site_id=site_id, unit_id=unit_id)
            .select_related("category", "department", "assignee").order_by("-received_at", "-id"))


def work_order_history(order: WorkOrder) -> QuerySet[WorkOrderEvent]:
    """The order's events, oldest first (what the resident pages show of its progress)."""
    return WorkOrderEvent.objects.filter(order=order).order_by("at", "pk")


def work_order_by_public_token(token: str) -> WorkOrder | None:
    """The order behind a printed form's QR code (SPEC P-03), with its category."""
    return WorkOrder.objects.select_related("category").filter(public_token=token).first()


def categories_active() -> QuerySet[Category]:
    """The categories a new order may take (another app's intake form, e.g. the resident pages)."""
    return Category.objects.filter(is_active=True).order_by("pk")


def category_by_code(code: str) -> Category | None:
    """A category by its code (another app registers an order of a set kind, e.g. the move-in defects, T-16)."""
    return Category.objects.filter(code=code).first()
