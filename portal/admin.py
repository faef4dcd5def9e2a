from django.contrib import admin

from portal.models import OnlineEvaluation, OnlineReport, ResidentAccount


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResidentAccount)
class ResidentAccountAdmin(NoDelete):
    list_display = ["phone", "unit", "site", "is_active", "created_at"]
    list_filter = ["site", "is_active"]
    search_fields = ["phone"]
    raw_id_fields = ["user", "resident", "unit", "opened_by"]


@admin.register(OnlineReport)
class OnlineReportAdmin(NoDelete):
    list_display = ["reported_at", "unit", "kind", "status"]
    list_filter = ["site", "kind", "status"]
    raw_id_fields = ["unit", "account", "work_order", "complaint", "handled_by"]


@admin.register(OnlineEvaluation)
class OnlineEvaluationAdmin(NoDelete):
    list_display = ["order", "value", "at"]
    raw_id_fields = ["order", "account"]
