from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/done/", views.rectification_done, name="rectification_done"),
    path("rectifications/<int:pk>/verify/", views.rectification_verify, name="rectification_verify"),
    path("duties/", views.duty_list, name="duties"),
    path("rankings/", views.ranking_list, name="rankings"),
    path("rankings/draft/", views.ranking_draft, name="ranking_draft"),
    path("rankings/<int:pk>/", views.ranking_detail, name="ranking"),
    path("rankings/score/<int:pk>/adjust/", views.ranking_adjust, name="ranking_adjust"),
    path("rankings/<int:pk>/lock/", views.ranking_lock, name="ranking_lock"),
]
