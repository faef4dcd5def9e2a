from django.contrib import admin

from handover.models import ChecklistItem, Defect, MoveIn, Takeover


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ChecklistItem)
class ChecklistItemAdmin(NoDelete):
    list_display = ["text", "scope", "position", "is_active"]
    list_filter = ["scope", "is_active"]


@admin.register(Takeover)
class TakeoverAdmin(NoDelete):
    list_display = ["number", "site", "developer", "status"]
    readonly_fields = ["status"]


@admin.register(Defect)
class DefectAdmin(NoDelete):
    list_display = ["number", "site", "location", "due_at", "status"]
    readonly_fields = ["status"]


@admin.register(MoveIn)
class MoveInAdmin(NoDelete):
    list_display = ["unit", "site", "step"]
    readonly_fields = ["step"]
