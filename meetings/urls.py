from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.day, name="day"),
    path("rooms/", views.rooms, name="rooms"),
    path("new/", views.booking_new, name="new"),
    path("<int:pk>/", views.booking_detail, name="booking"),
    path("<int:pk>/confirm/", views.booking_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.booking_cancel, name="cancel"),
    path("check/<int:pk>/", views.check_tick, name="tick"),
]
