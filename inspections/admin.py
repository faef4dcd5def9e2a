from django.contrib import admin

from inspections.models import (
    AssessmentMonth,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionDuty,
    Rectification,
    ZoneScore,
)


class NoDeleteAdmin(admin.ModelAdmin):
    """Domain records are never deleted (SPEC X-01)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    can_delete = False


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(NoDeleteAdmin):
    """A-04: the company's checklists per area; retire one with "in use" off."""

    list_display = ["name", "area", "is_active"]
    list_filter = ["area", "is_active"]
    inlines = [ItemInline]


@admin.register(Inspection)
class InspectionAdmin(NoDeleteAdmin):
    list_display = ["number", "site", "kind", "zone", "inspector", "inspected_at", "score", "failed_count"]
    list_filter = ["site", "kind"]
    readonly_fields = [f.name for f in Inspection._meta.fields]


@admin.register(Rectification)
class RectificationAdmin(NoDeleteAdmin):
    list_display = ["inspection", "description", "owner", "due_at", "status"]
    list_filter = ["site", "status"]
    readonly_fields = [f.name for f in Rectification._meta.fields]


@admin.register(InspectionDuty)
class InspectionDutyAdmin(NoDeleteAdmin):
    list_display = ["site", "kind", "zone", "department", "period_start", "done_at", "missed"]
    list_filter = ["site", "kind", "missed"]
    readonly_fields = [f.name for f in InspectionDuty._meta.fields]


class ScoreInline(admin.TabularInline):
    model = ZoneScore
    extra = 0
    can_delete = False
    readonly_fields = ["zone", "inspection_score", "valid_complaints", "praise", "resident_score", "computed",
                       "adjustment", "final", "rank"]
    fields = readonly_fields


@admin.register(AssessmentMonth)
class AssessmentMonthAdmin(NoDeleteAdmin):
    list_display = ["site", "month", "drafted_at", "locked_at", "locked_by"]
    readonly_fields = ["site", "month", "drafted_at", "locked_at", "locked_by"]
    inlines = [ScoreInline]
