"""SPEC X-01: nothing is deleted by users — the Django admin offers no delete for any domain model."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from core.admin_site import PropservAdminSite, is_domain_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return get_user_model().objects.create_superuser("root-x01", "root@example.com", "pw-x01-long-enough")


def _domain_admins():
    return [(m, ma) for m, ma in admin.site._registry.items() if is_domain_model(m)]


# SPEC X-01: the project's admin site is the one that wraps registrations
def test_admin_site_is_ours():
    assert isinstance(admin.site._wrapped if hasattr(admin.site, "_wrapped") else admin.site, PropservAdminSite)


# SPEC X-01: every registered domain model: no delete permission, no "delete selected", inlines too
def test_no_delete_for_any_domain_model(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    labels = set()
    for model, model_admin in _domain_admins():
        label = model._meta.label_lower
        labels.add(label)
        assert model_admin.has_delete_permission(request) is False, label
        assert "delete_selected" not in model_admin.get_actions(request), label
        for inline in model_admin.get_inline_instances(request):
            assert inline.has_delete_permission(request) is False, f"{label} inline {inline}"
    # the records the issue names are among them
    # (orders and key deposits/uses are not in the admin at all: they move only through their pages)
    expected = {"complaints.complaint", "callbacks.callback", "keys.keycabinet", "estates.unit", "estates.resident",
                "tickets.category", "tickets.priceitem"}
    assert expected <= labels, expected - labels
    assert {m._meta.app_label for m, _ in _domain_admins()} >= {"surveys", "renovation", "core", "estates"}


# SPEC X-01: the delete page itself refuses (403), and the record is still there
def test_delete_page_refused(client, superuser, site_a):
    client.force_login(superuser)
    unit = site_a.units[0]
    url = reverse("admin:estates_unit_delete", args=[unit.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:estates_unit_changelist")
    resp = client.post(changelist, {"action": "delete_selected", "_selected_action": [unit.pk], "post": "yes"})
    assert resp.status_code in (200, 302)
    assert type(unit).objects.filter(pk=unit.pk).exists()


# Django's own models keep the default (users are deactivated by the staff pages, not here)
def test_third_party_models_untouched():
    User = get_user_model()
    assert not is_domain_model(User)
