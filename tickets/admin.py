from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tickets.models import Category, PriceItem


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "department_kind", "completion_policy", "followup_policy", "is_emergency",
                    "is_paid", "is_active", "sort")
    list_editable = ("sort", "is_active")
    list_filter = ("department_kind", "completion_policy", "is_emergency")


@admin.register(PriceItem)
class PriceItemAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "price", "department_kind", "site", "is_active")
    list_filter = ("department_kind", "site", "is_active")
