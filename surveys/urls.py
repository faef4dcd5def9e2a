from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("<int:pk>/approve/", views.campaign_approve, name="campaign_approve"),
    path("<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("<int:pk>/reprint/", views.campaign_reprint, name="campaign_reprint"),
    path("<int:pk>/reprint/<int:household_id>/", views.campaign_reprint, name="household_reprint"),
    path("<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/cancel/", views.campaign_cancel, name="campaign_cancel"),
    path("<int:pk>/entry/", views.campaign_entry, name="campaign_entry"),
    path("<int:pk>/analysis/", views.campaign_analysis, name="campaign_analysis"),
    path("<int:pk>/analysis.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("annual/", views.annual_report, name="annual_report"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/new/", views.questionnaire_edit, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    # SPEC S-03: the resident's one-time link; the only public path of the app (core.middleware)
    path("r/<str:token>/", views.respond, name="respond"),
]
