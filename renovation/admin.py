"""Admin: the site settings (work hours, deposit) and the company checklist are data; renovations are
read-only here (they move only through the services), with no delete action."""

from django.contrib import admin

from renovation.models import ChecklistItem, Renovation, SiteRenovationSetting


@admin.register(SiteRenovationSetting)
class SiteRenovationSettingAdmin(admin.ModelAdmin):
    list_display = ["site", "work_hours", "deposit_amount"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "title", "is_active"]
    list_editable = ["is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Renovation)
class RenovationAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "unit", "status", "start_date", "end_date"]
    list_filter = ["site", "status"]
    search_fields = ["number", "unit__code"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [f.name for f in Renovation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
