"""SPEC T-05: extensions, re-checked in the service."""

from datetime import timedelta

import pytest

from core.deadlines import deadline_running
from core.errors import DomainError
from tests.tickets.helpers import T0, dispatch, register
from tickets import services
from tickets.models import Extension

pytestmark = pytest.mark.django_db


def extend(s, order, new_due, **kw):
    kw.setdefault("head", s.users["center_head"])
    return services.work_order_extend(order=order, actor=s.users["front_desk"], new_due_at=new_due,
                                      reason="配件需订购", now=T0 + timedelta(hours=2), **kw)


# SPEC T-05: a 24-hour item needs the head's signature AND the resident's consent
def test_24h_item_needs_head_and_consent(site_a):
    order = dispatch(site_a, register(site_a, "drain"))
    new = T0 + timedelta(days=2)
    with pytest.raises(DomainError) as err:
        extend(site_a, order, new)
    assert err.value.code == "consent"
    with pytest.raises(DomainError) as err:
        extend(site_a, order, new, head=None, resident_consent=True)
    assert err.value.code == "head"
    with pytest.raises(DomainError) as err:  # someone who is not the head cannot sign
        extend(site_a, order, new, head=site_a.users["cs_supervisor"], resident_consent=True)
    assert err.value.code == "head"
    ext = extend(site_a, order, new, resident_consent=True, consent_note="电话同意")
    order.refresh_from_db()
    assert order.due_at == new and order.extension_count == 1
    assert ext.old_due_at == T0 + timedelta(hours=24) and ext.head_signed_by == site_a.users["center_head"]
    assert deadline_running(order, "ticket.urgent.complete").due_at == new


# SPEC T-05: a 3-working-day item: the head; beyond two weeks from acceptance the site director
def test_3wd_item_head_then_director_after_14_days(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    extend(site_a, order, T0 + timedelta(days=10))  # head alone is enough within two weeks
    order.refresh_from_db()
    with pytest.raises(DomainError) as err:
        extend(site_a, order, T0 + timedelta(days=15))
    assert err.value.code == "director"
    with pytest.raises(DomainError):  # the head cannot approve as director
        extend(site_a, order, T0 + timedelta(days=15), director=site_a.users["center_head"])
    extend(site_a, order, T0 + timedelta(days=15), director=site_a.users["site_director"])
    assert Extension.objects.filter(order=order).count() == 2


# SPEC T-05: order/security and cleaning orders only when the resident caused the delay
def test_cleaning_only_when_resident_caused(site_a):
    order = dispatch(site_a, register(site_a, "cleaning"), assignee=None)
    with pytest.raises(DomainError) as err:
        extend(site_a, order, T0 + timedelta(days=8))
    assert err.value.code == "resident_caused"
    extend(site_a, order, T0 + timedelta(days=8), resident_caused=True)


# SPEC T-05: the new deadline must be later; a closed order cannot be extended
def test_extension_must_be_later(site_a):
    order = dispatch(site_a, register(site_a, "repair"))
    with pytest.raises(DomainError) as err:
        extend(site_a, order, T0)
    assert err.value.code == "new_due_at"


# SPEC T-05: the head of ANOTHER site cannot sign
def test_other_site_head_cannot_sign(site_a, site_b):
    order = dispatch(site_a, register(site_a, "repair"))
    with pytest.raises(DomainError) as err:
        extend(site_a, order, T0 + timedelta(days=8), head=site_b.users["center_head"])
    assert err.value.code == "head"
