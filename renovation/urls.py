from django.urls import path

from renovation import views

app_name = "renovation"
urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.renovation_list, name="list"),
    path("new/", views.renovation_create, name="create"),
    path("p/<uuid:token>/", views.public_status, name="public"),
    path("<int:pk>/", views.renovation_detail, name="detail"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:child>/", views.document_file, name="document_file"),
    path("<int:pk>/workers/", views.worker_add, name="worker_add"),
    path("<int:pk>/workers/<int:child>/photo/", views.worker_photo, name="worker_photo"),
    path("<int:pk>/photos/<int:child>/", views.photo_file, name="photo_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/plan/", views.plan_change, name="plan_change"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/deposit/", views.deposit, name="deposit"),
    path("<int:pk>/permit.pdf", views.permit_pdf, name="permit_pdf"),
    path("<int:pk>/passes.pdf", views.passes_pdf, name="passes_pdf"),
    path("<int:pk>/refund.pdf", views.refund_pdf, name="refund_pdf"),
    path("<int:pk>/gate/", views.gate, name="gate"),
    path("<int:pk>/gate/<int:child>/leave/", views.gate_leave, name="gate_leave"),
    path("<int:pk>/patrols/", views.patrol, name="patrol"),
    path("<int:pk>/violations/", views.violation, name="violation"),
    path("<int:pk>/violations/<int:child>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/violations/<int:child>/deduct/", views.deduct, name="deduct"),
    path("<int:pk>/changes/", views.change, name="change"),
    path("<int:pk>/changes/<int:child>/decide/", views.decide, name="decide"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/acceptance/", views.acceptance, name="acceptance"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("<int:pk>/refund/", views.refund, name="refund"),
]
