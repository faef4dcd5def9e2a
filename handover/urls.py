from django.urls import path

from handover import views

app_name = "handover"
urlpatterns = [
    path("", views.takeover_list, name="takeovers"),
    path("takeovers/new/", views.takeover_new, name="takeover_new"),
    path("takeovers/<int:pk>/", views.takeover_detail, name="takeover"),
    path("takeovers/<int:pk>/documents/", views.takeover_documents, name="takeover_documents"),
    path("takeovers/<int:pk>/reply/", views.takeover_reply, name="takeover_reply"),
    path("takeovers/<int:pk>/reply.pdf", views.takeover_reply_pdf, name="takeover_reply_pdf"),
    path("takeovers/<int:pk>/inspect/", views.takeover_inspect, name="takeover_inspect"),
    path("takeovers/<int:pk>/accept/", views.takeover_accept, name="takeover_accept"),
    path("inspections/<int:pk>/keys/", views.keys_receive, name="keys_receive"),
    path("defects/", views.defect_list, name="defects"),
    path("defects/export.<str:fmt>", views.defect_export, name="defect_export"),
    path("defects/<int:pk>/", views.defect_detail, name="defect"),
    path("defects/<int:pk>/rectified/", views.defect_rectified, name="defect_rectified"),
    path("defects/<int:pk>/reinspect/", views.defect_reinspect, name="defect_reinspect"),
    path("move-in/", views.move_in_desk, name="desk"),
    path("move-in/new/", views.move_in_new, name="move_in_new"),
    path("move-in/<int:pk>/", views.move_in_detail, name="move_in"),
    path("move-in/<int:pk>/step/<str:action>/", views.move_in_step, name="move_in_step"),
    path("move-in/<int:pk>/pack.pdf", views.move_in_pack, name="move_in_pack"),
]
