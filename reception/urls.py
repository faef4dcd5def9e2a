from django.urls import path

from reception import views

app_name = "reception"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("new/", views.entry_create, name="entry_create"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
    path("worklog/", views.worklog_list, name="worklog_list"),
    path("worklog/new/", views.worklog_create, name="worklog_create"),
    path("worklog/<int:pk>/", views.worklog_detail, name="worklog_detail"),
    path("handover/<int:pk>/ack/", views.handover_ack, name="handover_ack"),
]
