from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="complaint_list"),
    path("new/", views.complaint_create, name="complaint_create"),
    path("<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("<int:pk>/act/<str:action>/", views.complaint_action, name="complaint_action"),
    path("<int:pk>/photos/<int:photo_id>/", views.complaint_photo, name="complaint_photo"),
    path("<int:pk>/reports/<int:report_id>/", views.complaint_report_detail, name="report_detail"),
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("escalations/<int:pk>/ack/", views.escalation_ack, name="escalation_ack"),
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("analysis/", views.analysis_list, name="analysis_list"),
    path("analysis/new/", views.analysis_edit, name="analysis_edit"),
]
