# ruff: noqa: S608 (table and column names are this module's constants; every value is a parameter)
"""Open work orders counted without scanning them (issue 21.1, SPEC D-01).

The dashboard's open / overdue / due today / open emergencies and its "by category / department /
zone" tables used to aggregate every open order on each request: ~190 ms per aggregate at 69,000
open orders, growing with the backlog. Here the open orders are counted ahead:

- `tickets_open_count` holds signed counts per (site, category, department, zone, emergency, has a
  deadline). Database triggers on `tickets_workorder` append a row for every change of an open
  order's key (insert, update, delete — whatever code or SQL made it), so the sum is exact at every
  commit, and writers never update a shared row (no lock between two registrations).
- The minute job (`open_counts_compact_task`) folds the appended rows into one per key, so the table
  stays at a few hundred rows however large the backlog is.
- Only what depends on the clock is read from the orders themselves: open orders not yet due and
  those due today, a range of the partial index `wo_open_due (site, due_at) WHERE open` bounded by
  the day's intake, not by the backlog. overdue = open − not yet due − without deadline.

`open_order_figures` answers everything in one query. The table is created (and its content rebuilt
from the orders) after every `migrate`, so a change of WorkOrder.OPEN_STATES rewrites the triggers.
"""

from __future__ import annotations

from datetime import datetime

from django.db import connection, connections, transaction

from tickets.models import WorkOrder

TABLE = "tickets_open_count"
KEY = ("site_id", "category_id", "department_id", "zone_id", "is_emergency", "has_due")
_KEY_SQL = ", ".join(KEY)


def _open_sql(alias: str) -> str:
    return f"{alias}.status IN ({', '.join(repr(str(s)) for s in WorkOrder.OPEN_STATES)})"


def _key_of(alias: str) -> str:
    return (f"{alias}.site_id, {alias}.category_id, {alias}.department_id, {alias}.zone_id, {alias}.is_emergency, "
            f"{alias}.due_at IS NOT NULL")


def _create_table(cur) -> None:
    cur.execute(f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        site_id bigint NOT NULL, category_id bigint NOT NULL, department_id bigint NULL, zone_id bigint NULL,
        is_emergency boolean NOT NULL, has_due boolean NOT NULL, n integer NOT NULL)""")
    cur.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_site ON {TABLE} (site_id)")


def _postgres_triggers(cur) -> None:
    new_open, old_open = _open_sql("n"), _open_sql("o")
    body = {
        "ins": f"SELECT {_key_of('n')}, count(*) FROM new_rows n WHERE {new_open} GROUP BY 1, 2, 3, 4, 5, 6",
        "del": f"SELECT {_key_of('o')}, -count(*) FROM old_rows o WHERE {old_open} GROUP BY 1, 2, 3, 4, 5, 6",
        "upd": f"""SELECT k1, k2, k3, k4, k5, k6, sum(d) FROM (
                     SELECT {_key_of('o')}, -1 FROM old_rows o WHERE {old_open}
                     UNION ALL SELECT {_key_of('n')}, 1 FROM new_rows n WHERE {new_open}
                   ) AS x(k1, k2, k3, k4, k5, k6, d) GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(d) <> 0""",
    }
    tables = {"ins": "NEW TABLE AS new_rows", "del": "OLD TABLE AS old_rows",
              "upd": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}
    events = {"ins": "INSERT", "del": "DELETE", "upd": "UPDATE"}
    for kind, select in body.items():
        name = f"{TABLE}_{kind}"
        cur.execute(f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN INSERT INTO {TABLE} ({_KEY_SQL}, n) {select}; RETURN NULL; END $$""")
        cur.execute(f"DROP TRIGGER IF EXISTS {name} ON tickets_workorder")
        cur.execute(f"""CREATE TRIGGER {name} AFTER {events[kind]} ON tickets_workorder
            REFERENCING {tables[kind]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()""")


def _sqlite_triggers(cur) -> None:
    new_open, old_open = _open_sql("NEW"), _open_sql("OLD")
    same_key = " AND ".join(f"OLD.{c} IS NEW.{c}" for c in ("site_id", "category_id", "department_id", "zone_id",
                                                          "is_emergency")) + \
        " AND (OLD.due_at IS NULL) = (NEW.due_at IS NULL)"
    triggers = {
        "ins": ("AFTER INSERT", new_open, f"SELECT {_key_of('NEW')}, 1"),
        "del": ("AFTER DELETE", old_open, f"SELECT {_key_of('OLD')}, -1"),
        "upd_old": ("AFTER UPDATE", f"{old_open} AND NOT ({new_open} AND {same_key})", f"SELECT {_key_of('OLD')}, -1"),
        "upd_new": ("AFTER UPDATE", f"{new_open} AND NOT ({old_open} AND {same_key})", f"SELECT {_key_of('NEW')}, 1"),
    }
    for kind, (event, when, select) in triggers.items():
        name = f"{TABLE}_{kind}"
        cur.execute(f"DROP TRIGGER IF EXISTS {name}")
        cur.execute(f"""CREATE TRIGGER {name} {event} ON tickets_workorder FOR EACH ROW WHEN {when}
            BEGIN INSERT INTO {TABLE} ({_KEY_SQL}, n) {select}; END""")


def install(using: str = "default") -> None:
    """Create the table and triggers (again) and rebuild the counts from the orders, writes held off."""
    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cur:
        _create_table(cur)
        if conn.vendor == "postgresql":
            cur.execute("LOCK TABLE tickets_workorder IN SHARE ROW EXCLUSIVE MODE")
            _postgres_triggers(cur)
        else:
            _sqlite_triggers(cur)
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(f"INSERT INTO {TABLE} ({_KEY_SQL}, n) SELECT {_key_of('w')}, count(*) FROM tickets_workorder w "
                    f"WHERE {_open_sql('w')} GROUP BY {_key_of('w')}")


def compact() -> int:
    """Fold the rows appended by the triggers into one per key; returns the rows left."""
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # rows appended by transactions that commit meanwhile are not seen by the DELETE: they stay
            cur.execute(f"""WITH d AS (DELETE FROM {TABLE} RETURNING {_KEY_SQL}, n)
                INSERT INTO {TABLE} ({_KEY_SQL}, n) SELECT {_KEY_SQL}, sum(n) FROM d
                GROUP BY {_KEY_SQL} HAVING sum(n) <> 0""")
        else:  # SQLite: one writer at a time
            cur.execute(f"SELECT {_KEY_SQL}, sum(n) FROM {TABLE} GROUP BY {_KEY_SQL} HAVING sum(n) <> 0")
            rows = cur.fetchall()
            cur.execute(f"DELETE FROM {TABLE}")
            cur.executemany(f"INSERT INTO {TABLE} ({_KEY_SQL}, n) VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        cur.execute(f"SELECT count(*) FROM {TABLE}")
        return cur.fetchone()[0]


def open_order_figures(*, site_ids: list[int], now: datetime, day_start: datetime, day_end: datetime) -> list[dict]:
    """One query: per (category, department, zone, emergency) of the sites, open orders, those overdue
    at `now` and those due in [day_start, day_end), with the names of category, department and zone."""
    if not site_ids:
        return []
    ops = connection.ops
    sites = ", ".join(["%s"] * len(site_ids))
    low = min(now, day_start)
    sql = f"""
        SELECT s.category_id, c.name, s.department_id, d.name, s.zone_id, z.name, s.is_emergency,
               SUM(s.open_n), SUM(s.open_n) - SUM(s.not_overdue), SUM(s.due_today)
        FROM (
            SELECT category_id, department_id, zone_id, is_emergency, n AS open_n,
                   CASE WHEN has_due THEN 0 ELSE n END AS not_overdue, 0 AS due_today
            FROM {TABLE} WHERE site_id IN ({sites})
            UNION ALL
            SELECT category_id, department_id, zone_id, is_emergency, 0,
                   CASE WHEN due_at >= %s THEN 1 ELSE 0 END,
                   CASE WHEN due_at >= %s AND due_at < %s THEN 1 ELSE 0 END
            FROM tickets_workorder w WHERE site_id IN ({sites}) AND {_open_sql('w')} AND due_at >= %s
        ) s
        LEFT JOIN tickets_category c ON c.id = s.category_id
        LEFT JOIN estates_department d ON d.id = s.department_id
        LEFT JOIN estates_zone z ON z.id = s.zone_id
        GROUP BY s.category_id, c.name, s.department_id, d.name, s.zone_id, z.name, s.is_emergency
        HAVING SUM(s.open_n) <> 0"""
    dt = ops.adapt_datetimefield_value
    params = [*site_ids, dt(now), dt(day_start), dt(day_end), *site_ids, dt(low)]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        cols = ("category_id", "category__name", "department_id", "department__name", "zone_id", "zone__name",
                "is_emergency", "open", "overdue", "due_today")
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
