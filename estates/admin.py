from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from estates.models import (
    Building,
    Company,
    Department,
    DutyShift,
    ImportJob,
    RegistryEvent,
    Resident,
    Site,
    Staff,
    Unit,
    UnitDocument,
    Zone,
)


class NoDeleteAdmin(SimpleHistoryAdmin):
    """SPEC X-01: nobody deletes registry records, not even in the admin."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Company, Site, Zone, Building, Department, DutyShift)
class RegistryAdmin(NoDeleteAdmin):
    list_display = ("__str__",)


@admin.register(Unit)
class UnitAdmin(NoDeleteAdmin):
    list_display = ("code", "site", "area", "occupancy", "archived")
    list_filter = ("site", "occupancy", "archived")
    search_fields = ("code",)


@admin.register(Resident)
class ResidentAdmin(NoDeleteAdmin):
    list_display = ("name", "unit", "site", "kind", "phone", "is_active")
    list_filter = ("site", "kind", "is_active")
    search_fields = ("name", "phone", "unit__code")
    exclude = ("id_number",)  # SPEC §0: the full number only through the recorded "show" action


@admin.register(Staff)
class StaffAdmin(NoDeleteAdmin):
    list_display = ("name", "user", "site", "department", "is_active")
    list_filter = ("site", "is_active")
    search_fields = ("name", "user__username")


@admin.register(UnitDocument)
class UnitDocumentAdmin(NoDeleteAdmin):
    list_display = ("original_name", "unit", "doc_type", "voided")
    readonly_fields = ("file",)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("original_name", "site", "kind", "status", "created_at")
    readonly_fields = ("errors",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RegistryEvent)
class RegistryEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "actor", "content_type", "object_id", "note")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
