from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.models import CalendarYear, Deadline, DeadlinePolicy, HolidayOverride, Notification


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(SimpleHistoryAdmin):
    list_display = ["code", "site", "name", "amount", "unit", "from_next_opening", "repeat", "action", "notify_roles"]
    list_filter = ["unit", "action", "site"]
    search_fields = ["code", "name"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "complete"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["code", "site", "subject_type", "subject_id", "started_at", "due_at", "state", "level"]
    list_filter = ["state", "code", "site"]
    readonly_fields = [f.name for f in Deadline._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "acknowledged_at", "email_sent_at"]
    list_filter = ["kind", "requires_ack"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False
