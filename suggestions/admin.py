from django.contrib import admin

from suggestions.models import Suggestion


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "subject", "status"]
    readonly_fields = ["status"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
