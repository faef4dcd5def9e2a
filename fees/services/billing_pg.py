"""The bill run's inserts on PostgreSQL (F-02): one statement per chunk of units, fed by array literals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import connection

from fees.models import ZERO


def _pg_array(values: Iterable, *, text: bool = False) -> str:
    """A PostgreSQL array literal ('{1,2,3}'), sent as one string parameter: psycopg2 would send a list as
    ARRAY[…] with one expression per element, which PostgreSQL parses element by element (measured: half of
    the line INSERT at 10,000 lines a chunk)."""
    if text:
        return "{" + ",".join("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                              for v in values) + "}"
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def issue_pg(*, site_id: int, period: date, todo: list, now: datetime, due: date, actor: User,
              title: str) -> list[int]:
    """PostgreSQL: one statement per chunk — the bills, their lines (joined to the new bills by unit, in
    the computed order) and the ledger charges, from array literals; no model instance per row."""
    lines = [(unit_id, ln) for unit_id, unit_lines in todo for ln in unit_lines]
    # item, description and price repeat across a chunk: sent once each, a line refers to its triple by number
    triples: dict[tuple, int] = {}
    line_triple = [triples.setdefault((ln.item_id, ln.description, ln.unit_price), len(triples) + 1)
                   for _u, ln in lines]
    with connection.cursor() as cur:
        cur.execute("""
            WITH b AS (
                INSERT INTO fees_bill (created_at, updated_at, site_id, unit_id, kind, period, work_order_id, title,
                                       total, paid, status, issued_at, due_date, replaces_id)
                SELECT %(now)s, %(now)s, %(site)s, x.u, 'monthly', %(period)s, NULL, %(title)s, x.t, 0, 'open',
                       %(now)s, %(due)s, NULL
                FROM unnest(%(units)s::bigint[], %(totals)s::numeric[]) WITH ORDINALITY AS x(u, t, n) ORDER BY x.n
                RETURNING id, unit_id, total),
            l AS (
                INSERT INTO fees_billline (bill_id, item_id, description, quantity, unit_price, amount)
                SELECT b.id, k.item, k.description, y.quantity, k.price, y.amount
                FROM unnest(%(l_unit)s::bigint[], %(l_triple)s::int[], %(l_qty)s::numeric[], %(l_amount)s::numeric[])
                     WITH ORDINALITY AS y(unit, triple, quantity, amount, n)
                JOIN b ON b.unit_id = y.unit
                JOIN unnest(%(k_item)s::bigint[], %(k_desc)s::text[], %(k_price)s::numeric[])
                     WITH ORDINALITY AS k(item, description, price, n) ON k.n = y.triple
                ORDER BY y.n),
            e AS (
                INSERT INTO fees_ledgerentry (site_id, unit_id, account, kind, amount, at, bill_id, payment_id,
                                              reverses_id, note, actor_id)
                SELECT %(site)s, b.unit_id, 'receivable', 'charge', b.total, %(now)s, b.id, NULL, NULL, %(title)s,
                       %(actor)s
                FROM b ORDER BY b.id)
            SELECT id FROM b ORDER BY id""", {
            "now": now, "site": site_id, "period": period, "title": title, "due": due,
            "actor": getattr(actor, "pk", None),
            "units": _pg_array(u for u, _lines in todo),
            "totals": _pg_array(sum((ln.amount for ln in unit_lines), ZERO) for _u, unit_lines in todo),
            "l_unit": _pg_array(u for u, _ln in lines), "l_triple": _pg_array(line_triple),
            "l_qty": _pg_array(ln.quantity for _u, ln in lines), "l_amount": _pg_array(ln.amount for _u, ln in lines),
            "k_item": _pg_array(t[0] for t in triples), "k_desc": _pg_array((t[1] for t in triples), text=True),
            "k_price": _pg_array(t[2] for t in triples)})
        return [row[0] for row in cur.fetchall()]
