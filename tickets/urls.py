from django.urls import path

from tickets import views, views_referral

app_name = "tickets"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("new/", views.order_create, name="order_create"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("board/", views.dispatch_board, name="dispatch_board"),
    path("mine/", views.my_orders, name="my_orders"),
    path("print/", views.batch_print, name="batch_print"),
    path("print/<str:task_id>/", views.batch_status, name="batch_status"),
    path("settlement/", views.settlement, name="settlement"),
    path("referrals/", views_referral.referral_list, name="referral_list"),  # SPEC T-17
    path("referrals/<int:pk>/", views_referral.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/scan/", views_referral.referral_scan, name="referral_scan"),
    path("referrals/<int:pk>/<slug:action>/", views_referral.referral_action, name="referral_action"),
    path("<int:pk>/", views.order_detail, name="order_detail"),
    path("<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("<int:pk>/signature.png", views.signature_image, name="signature"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/<slug:action>/", views.order_action, name="order_action"),
    path("<int:pk>/<slug:action>/form/", views.order_action_form, name="order_action_form"),
]
