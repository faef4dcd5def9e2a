from django.contrib import admin

from emergencies.models import Drill, EmergencyEvent, SupplyItem


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmergencyEvent)
class EmergencyEventAdmin(NoDelete):
    list_display = ["number", "site", "kind", "title", "status"]
    readonly_fields = ["status"]


@admin.register(Drill)
class DrillAdmin(NoDelete):
    list_display = ["site", "kind", "planned_on", "status"]


@admin.register(SupplyItem)
class SupplyItemAdmin(NoDelete):
    list_display = ["site", "name", "quantity", "min_quantity", "expires_on"]
