from django.contrib import admin

from meetings.models import Booking, Room


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "capacity", "is_active"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["title", "room", "starts_at", "size", "status"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
