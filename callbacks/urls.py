from django.urls import path

from callbacks import views, views_relationship

app_name = "callbacks"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attempt/", views.attempt, name="attempt"),
    path("<int:pk>/finding/", views.finding, name="finding"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/reply/", views.reply_create, name="reply_create"),
    path("replies/", views.promised_list, name="promised_list"),
    path("replies/<int:pk>/answer/", views.promised_answer, name="promised_answer"),
    path("visits/", views.visit_plans, name="visit_plans"),
    path("visits/generate/", views.visit_plans_generate, name="visit_plans_generate"),
    path("visits/plan/<int:pk>/", views.visit_plan, name="visit_plan"),
    path("visits/<int:pk>/", views.visit_record, name="visit_record"),
    path("sampling/", views.sampling, name="sampling"),
    path("rates/", views.rates, name="rates"),
    path("relationship/", views_relationship.relationship_plans, name="relationship_plans"),
    path("relationship/<int:pk>/", views_relationship.relationship_plan, name="relationship_plan"),
]
