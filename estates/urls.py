from django.urls import path

from estates import lookup, views, views_registry_import

app_name = "estates"

_PLURAL = {"site": "sites", "zone": "zones", "building": "buildings", "unit": "units", "resident": "residents",
           "department": "departments", "staff": "staff"}

urlpatterns = [
    path("", views.registry_home, name="home"),
    path("units/lookup/", lookup.unit_lookup_view, name="unit_lookup"),
    path("units/household/", lookup.unit_household_view, name="unit_household"),
    path("units/<int:pk>/archive/", views.unit_archive, name="unit_archive"),
    path("units/<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/void/", views.document_void, name="document_void"),
    path("residents/<int:pk>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("residents/<int:pk>/id-number/", views.resident_reveal_id, name="resident_reveal_id"),
    path("staff/<int:pk>/active/", views.staff_set_active, name="staff_set_active"),
    path("imports/", views.import_start, name="import_start"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/columns/", views.import_map, name="import_map"),
    path("imports/template/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("imports/registry/", views_registry_import.registry_import_view, name="registry_import"),
    path("imports/registry/template/<str:kind>.csv", views_registry_import.registry_import_template,
         name="registry_import_template"),
    path("roster/", views.roster_week, name="roster"),
    path("roster/add/", views.roster_add, name="roster_add"),
    path("roster/<int:pk>/cancel/", views.roster_cancel, name="roster_cancel"),
]
for _key, _plural in _PLURAL.items():
    urlpatterns += [
        path(f"{_plural}/", views.entity_list, {"key": _key}, name=f"{_key}_list"),
        path(f"{_plural}/new/", views.entity_create, {"key": _key}, name=f"{_key}_create"),
        path(f"{_plural}/<int:pk>/", views.entity_detail, {"key": _key}, name=f"{_key}_detail"),
        path(f"{_plural}/<int:pk>/edit/", views.entity_edit, {"key": _key}, name=f"{_key}_edit"),
    ]
