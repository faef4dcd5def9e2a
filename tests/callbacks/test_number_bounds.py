"""Issue 13.3: callback settings (shares, visits) are bounded in the database as in the form."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from callbacks.models import CallbackSettings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("values", [{"sampling_share": Decimal("1.5")}, {"sampling_share": Decimal("-0.1")},
                                    {"in_person_share": Decimal("0.2")}, {"director_visits": 5000}])
def test_settings_bounds_in_database(site_a, values):
    settings, _ = CallbackSettings.objects.get_or_create(site=site_a.site)
    with pytest.raises(IntegrityError), transaction.atomic():
        CallbackSettings.objects.filter(pk=settings.pk).update(**values)
