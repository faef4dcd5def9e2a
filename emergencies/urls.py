from django.urls import path

from emergencies import views

app_name = "emergencies"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.event_step, name="step"),
    path("duty/", views.duty_list, name="duty"),
    path("duty/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/<int:pk>/record/", views.drill_record, name="drill_record"),
    path("supplies/", views.supply_list, name="supplies"),
    path("supplies/<int:pk>/check/", views.supply_check, name="supply_check"),
]
