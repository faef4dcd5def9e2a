from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import CalendarYear, Deadline, DeadlinePolicy, HolidayOverride, Notification
from core.notifications import notification_resend


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

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EmailStateFilter(admin.SimpleListFilter):
    """Issue 23.6: failed and still-retrying emails at a glance (also on /reports/delivery/)."""

    title = _("email")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("sent", _("Sent")), ("pending", _("Not sent yet")), ("failed", _("Failed"))]

    def queryset(self, request, queryset):
        if self.value() == "sent":
            return queryset.filter(email_sent_at__isnull=False)
        if self.value() == "pending":
            return queryset.filter(email_sent_at__isnull=True, email_failed_at__isnull=True)
        if self.value() == "failed":
            return queryset.filter(email_sent_at__isnull=True, email_failed_at__isnull=False)
        return queryset


@admin.action(description=_("Send the email again"))
def resend_email(modeladmin, request, queryset) -> None:

    count = notification_resend(ids=list(queryset.filter(send_email=True).values_list("pk", flat=True)))
    modeladmin.message_user(request, _("%(n)d message(s) queued to be sent again.") % {"n": count})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "acknowledged_at", "email_sent_at",
                    "email_attempts", "email_failed_at", "email_error"]
    list_filter = [EmailStateFilter, "kind", "requires_ack"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = [resend_email]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
