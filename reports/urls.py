from django.urls import path

from reports import views, views_annual

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/body/", views.dashboard_body, name="dashboard_body"),
    path("monthly/", views.monthly_list, name="monthly_list"),
    path("annual/", views_annual.annual, name="annual"),
    path("monthly/request/", views.monthly_request, name="monthly_request"),
    path("monthly/<int:pk>/", views.monthly_detail, name="monthly_detail"),
    path("monthly/<int:pk>/progress/", views.monthly_progress, name="monthly_progress"),
    path("monthly/<int:pk>/<str:fmt>/", views.monthly_download, name="monthly_download"),
    path("preferences/", views.preferences, name="preferences"),
    path("delivery/", views.delivery_problems, name="delivery_problems"),
]
