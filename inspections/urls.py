from django.urls import path

from inspections import views, views_appraisal, views_maintenance

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
    path("self/<int:pk>/score/", views.self_score, name="self_score"),
    path("self/<int:pk>/review/", views.self_review, name="self_review"),
    path("appraisals/", views_appraisal.appraisal_list, name="appraisals"),
    path("appraisals/prepare/", views_appraisal.appraisal_prepare, name="appraisal_prepare"),
    path("appraisals/<int:pk>/", views_appraisal.appraisal_detail, name="appraisal"),
    path("appraisals/<int:pk>/lock/", views_appraisal.appraisal_lock, name="appraisal_lock"),
    path("appraisals/<int:pk>/xlsx/", views_appraisal.appraisal_xlsx, name="appraisal_xlsx"),
    path("appraisals/<int:pk>/print/", views_appraisal.appraisal_print, name="appraisal_print"),
    path("appraisals/part/<int:pk>/score/", views_appraisal.appraisal_score, name="appraisal_score"),
    path("recognition/", views_appraisal.recognition, name="recognition"),
    path("plans/", views_maintenance.plan_list, name="plans"),
    path("plans/new/", views_maintenance.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views_maintenance.plan_detail, name="plan"),
    path("equipment/", views_maintenance.equipment_list, name="equipment"),
    path("equipment/new/", views_maintenance.equipment_edit, name="equipment_new"),
    path("equipment/<int:pk>/", views_maintenance.equipment_edit, name="equipment_edit"),
    path("equipment/document/<int:pk>/", views_maintenance.equipment_document, name="equipment_document"),
]
