from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from surveys.models import Campaign, CorrectiveAction, Questionnaire, QuestionnaireItem


class ItemInline(admin.TabularInline):
    model = QuestionnaireItem
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "site", "frozen")
    inlines = [ItemInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "site", "kind", "status", "sampled_count", "returned_count", "is_valid")
    list_filter = ("status", "kind", "site")
    readonly_fields = ("status", "seed")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(admin.ModelAdmin):
    list_display = ("description", "campaign", "owner", "due_date", "status")
