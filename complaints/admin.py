"""Admin: read-mostly views for support; users work in the app pages (history is append-only)."""

from django.contrib import admin

from complaints.models import Complaint, ComplaintEvent, ComplaintReport, Escalation, MonthlyAnalysis, Reminder


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "actor", "kind", "note", "data")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("number", "site", "subject", "status", "severity", "category", "level", "received_at")
    list_filter = ("site", "status", "severity", "category", "level", "kind")
    search_fields = ("number", "subject", "complainant_name", "phone")
    readonly_fields = ("status",)
    inlines = [EventInline]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("complaint", "level", "reason", "at", "acknowledged_by", "acknowledged_at")
    list_filter = ("level", "site")


@admin.register(ComplaintReport)
class ComplaintReportAdmin(admin.ModelAdmin):
    list_display = ("complaint", "kind", "title", "author", "submitted_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("complaint", "kind", "department", "issued_at", "automatic")
    list_filter = ("kind", "automatic")


@admin.register(MonthlyAnalysis)
class MonthlyAnalysisAdmin(admin.ModelAdmin):
    list_display = ("site", "month", "author", "submitted_at")
