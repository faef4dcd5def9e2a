from django.urls import path

from keys import views

app_name = "keys"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("deposits/new/", views.deposit_create, name="deposit_create"),
    path("deposits/<int:pk>/", views.deposit_detail, name="deposit_detail"),
    path("deposits/<int:pk>/approve/", views.deposit_approve, name="deposit_approve"),
    path("deposits/<int:pk>/store/", views.deposit_store, name="deposit_store"),
    path("deposits/<int:pk>/cancel/", views.deposit_cancel, name="deposit_cancel"),
    path("deposits/<int:pk>/return/", views.deposit_return, name="deposit_return"),
    path("deposits/<int:pk>/uses/new/", views.use_create, name="use_create"),
    path("uses/", views.use_list, name="use_list"),
    path("uses/<int:pk>/", views.use_detail, name="use_detail"),
    path("uses/<int:pk>/approve/", views.use_approve, name="use_approve"),
    path("uses/<int:pk>/take-out/", views.use_take_out, name="use_take_out"),
    path("uses/<int:pk>/entry.pdf", views.use_entry_pdf, name="use_entry_pdf"),
    path("uses/<int:pk>/sign/", views.use_sign, name="use_sign"),
    path("uses/<int:pk>/sign-own/", views.use_sign_own, name="use_sign_own"),
    path("uses/<int:pk>/cancel/", views.use_cancel, name="use_cancel"),
    path("uses/<int:pk>/items/", views.use_item_add, name="use_item_add"),
    path("uses/<int:pk>/items/<int:item_pk>/put-back/", views.use_item_put_back, name="use_item_put_back"),
    path("uses/<int:pk>/items/<int:item_pk>/photo/", views.use_item_photo, name="use_item_photo"),
    path("uses/<int:pk>/return/", views.use_return, name="use_return"),
    path("seals/", views.seal_list, name="seal_list"),
    path("reconciliations/", views.reconciliation_list, name="reconciliation_list"),
    path("reconciliations/new/", views.reconciliation_create, name="reconciliation_create"),
    path("reconciliations/<int:pk>/", views.reconciliation_detail, name="reconciliation_detail"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
]
