"""Issue 13.3: the number of keys in a deposit is bounded in the database as in the form."""

import pytest
from django.db import IntegrityError, transaction

from keys.models import KeyDeposit
from tests.keys.conftest import register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [0, 51, 30000])
def test_key_count_bounds_in_database(site_a, cab_a, count):
    dep = register(site_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyDeposit.objects.filter(pk=dep.pk).update(key_count=count)
