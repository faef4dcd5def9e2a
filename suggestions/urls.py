from django.urls import path

from suggestions import views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_new, name="new"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.suggestion_step, name="step"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice"),
]
