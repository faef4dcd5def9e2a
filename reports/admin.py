from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import DigestPreference, DigestSchedule, DistributionList, MailingRun, MonthlyReport


@admin.register(DigestSchedule)
class DigestScheduleAdmin(SimpleHistoryAdmin):
    """SPEC D-03: admins edit when each mailing goes out (local time, Asia/Shanghai)."""

    list_display = ("kind", "hour", "minute", "weekday", "day_of_month", "enabled")
    list_editable = ("hour", "minute", "weekday", "day_of_month", "enabled")


@admin.register(DistributionList)
class DistributionListAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "site", "is_active")
    list_filter = ("kind", "is_active", "site")


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "enabled")
    list_filter = ("kind", "enabled")


@admin.register(MailingRun)
class MailingRunAdmin(admin.ModelAdmin):
    list_display = ("schedule", "period", "status", "mails", "started_at", "finished_at")
    list_filter = ("status", "schedule")
    readonly_fields = ("schedule", "period", "status", "mails", "started_at", "finished_at", "error")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ("month", "site", "status", "progress", "generated_at")
    list_filter = ("status", "site")
    readonly_fields = ("figures",)
