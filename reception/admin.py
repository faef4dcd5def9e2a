from django.contrib import admin

from reception.models import HandoverItem, ReceptionEntry, WorkLog


@admin.register(ReceptionEntry)
class ReceptionEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "site", "channel", "person_name", "purpose", "status"]
    list_filter = ["site", "channel", "purpose", "status"]
    raw_id_fields = ["unit", "recorded_by", "replied_by"]


class HandoverInline(admin.TabularInline):
    model = HandoverItem
    extra = 0
    raw_id_fields = ["acknowledged_by"]


@admin.register(WorkLog)
class WorkLogAdmin(admin.ModelAdmin):
    list_display = ["date", "shift", "site", "author"]
    list_filter = ["site", "shift"]
    inlines = [HandoverInline]
