from django.urls import path

from complaints import views, views_monthly

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
    path("analysis/<int:pk>/", views_monthly.analysis_detail, name="analysis_detail"),
    path("analysis/<int:pk>/decide/", views_monthly.analysis_decide_view, name="analysis_decide"),
    path("responsibility/", views_monthly.review_list, name="review_list"),
    path("responsibility/start/", views_monthly.review_start, name="review_start"),
    path("responsibility/<int:pk>/", views_monthly.review_detail, name="review_detail"),
    path("responsibility/<int:pk>/finding/", views_monthly.review_finding, name="review_finding"),
    path("responsibility/<int:pk>/complete/", views_monthly.review_complete_view, name="review_complete"),
]
