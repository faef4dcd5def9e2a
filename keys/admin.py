from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from keys.models import KeyCabinet, KeySlot


class KeySlotInline(admin.TabularInline):
    model = KeySlot
    extra = 0
    fields = ["number"]


@admin.register(KeyCabinet)
class KeyCabinetAdmin(SimpleHistoryAdmin):
    """Cabinets and the designated custodian are site settings (K-01); keys move only through the pages."""

    list_display = ["name", "site", "custodian", "location"]
    list_filter = ["site"]
    inlines = [KeySlotInline]

    def save_model(self, request, obj, form, change):
        obj.site_id = obj.site_id or (obj.custodian.site_id if obj.custodian_id else None)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if hasattr(inline_form.instance, "site_id") and not inline_form.instance.site_id:
                inline_form.instance.site_id = form.instance.site_id
        super().save_formset(request, form, formset, change)
