"""Helpers for work-order tests: a registered order in any state through the services."""

from datetime import datetime, timedelta
from decimal import Decimal

from core.worktime import TZ
from tickets import services
from tickets.models import Category, PriceItem

T0 = datetime(2026, 11, 18, 10, 0, tzinfo=TZ)  # a Wednesday, working day


def cat(code: str) -> Category:
    return Category.objects.get(code=code)


def register(s, code="drain", now=T0, unit=0, **kw):
    return services.work_order_register(site=s.site, category=cat(code), content="厨房下水道堵塞", now=now,
                                        actor=s.users["front_desk"], unit=s.units[unit] if unit is not None else None,
                                        resident=kw.pop("resident", s.residents[unit] if unit is not None else None),
                                        **kw)


def dispatch(s, order, now=None, **kw):
    kw.setdefault("assignee", s.staff["dept_staff"])
    return services.work_order_dispatch(order=order, actor=s.users["dept_supervisor"], now=now or order.received_at
                                        + timedelta(minutes=1), **kw)


def complete(s, order, now=None, charges=(), price_told=False, **kw):
    now = now or (order.dispatched_at or order.received_at) + timedelta(hours=2)
    return services.work_order_complete(order=order, actor=s.users["dept_staff"], arrived_at=now - timedelta(hours=1),
                                        finished_at=now, cause="杂物堵塞", work_done="疏通下水道",
                                        labour_hours=Decimal("1.5"), prep_hours=Decimal("0.5"),
                                        materials=[("疏通剂", "1", "瓶")], charges=charges, price_told=price_told,
                                        now=now, **kw)


def evaluate(s, order, now=None, evaluation="satisfied"):
    return services.work_order_evaluate(order=order, actor=s.users["front_desk"], evaluation=evaluation,
                                        signer_name="王建国", signed_on_paper=True, now=now or order.completed_at)


def to_completed(s, code="drain", now=T0, **kw):
    o = register(s, code, now=now)
    o = dispatch(s, o)
    return complete(s, o, **kw)


def price(name="疏通下水道") -> PriceItem:
    return PriceItem.objects.get(name=name)


def ensure_categories() -> None:
    """Transactional tests flush the tables, data-migration rows included: seed them again."""
    import importlib

    from django.apps import apps

    importlib.import_module("tickets.migrations.0002_seed_categories").seed(apps, None)
