from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.inbox_badge, name="inbox_badge"),
    path("inbox/awaiting/", views.awaiting_ack, name="awaiting_ack"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_read"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/ack/", views.notification_ack, name="notification_ack"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/override/", views.policy_override, name="policy_override"),
    path("policies/override/<int:pk>/", views.override_edit, name="override_edit"),
    path("holidays/", views.holiday_list, name="holiday_list"),
    path("holidays/add/", views.holiday_add, name="holiday_add"),
    path("holidays/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("holidays/years/add/", views.calendar_year_add, name="calendar_year_add"),
    path("holidays/years/<int:pk>/edit/", views.calendar_year_edit, name="calendar_year_edit"),
    path("deadlines/", views.deadline_list, name="deadline_list"),
]
