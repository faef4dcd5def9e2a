from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from callbacks.models import (
    Callback,
    CallbackAttempt,
    CallbackSettings,
    PromisedReply,
    RelationshipPlan,
    RelationshipTask,
    SamplingDraw,
    Visit,
    VisitPlan,
)


class AttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["method", "number_dialled", "at", "staff", "result", "comment", "signer_name"]
    exclude = ["signature"]


@admin.register(Callback)
class CallbackAdmin(admin.ModelAdmin):
    list_display = ["id", "site", "kind", "unit", "resident_name", "status", "result", "due_at", "assigned_to"]
    list_filter = ["site", "kind", "status", "result"]
    search_fields = ["resident_name", "phone", "unit__code"]
    raw_id_fields = ["unit", "resident", "assigned_to", "closed_by", "mismatch_checker", "sampling_draw"]
    inlines = [AttemptInline]


@admin.register(CallbackSettings)
class CallbackSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["site", "sampling_share", "in_person_share", "director_visits", "zone_manager_visits"]


@admin.register(VisitPlan)
class VisitPlanAdmin(admin.ModelAdmin):
    list_display = ["month", "site", "role", "visitor", "zone", "target"]
    list_filter = ["site", "month", "role"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["plan", "unit", "position", "visited_at", "result"]
    raw_id_fields = ["plan", "unit", "visited_by"]


@admin.register(PromisedReply)
class PromisedReplyAdmin(admin.ModelAdmin):
    list_display = ["site", "question", "due_at", "status"]
    list_filter = ["site", "status"]


@admin.register(SamplingDraw)
class SamplingDrawAdmin(admin.ModelAdmin):
    list_display = ["site", "period_start", "period_end", "candidates", "drawn", "in_person", "seed"]


@admin.register(RelationshipPlan)
class RelationshipPlanAdmin(admin.ModelAdmin):
    """SPEC CB-08; plans and tasks are made and recorded on the pages (readable here)."""

    list_display = ["site", "month", "made_by"]
    list_filter = ["site"]
    readonly_fields = ["site", "month", "made_by"]


@admin.register(RelationshipTask)
class RelationshipTaskAdmin(admin.ModelAdmin):
    list_display = ["plan", "zone", "kind", "title", "due_date", "status", "done_by"]
    list_filter = ["site", "kind", "status"]
    readonly_fields = [f.name for f in RelationshipTask._meta.fields]
