from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    # public (core.middleware: /portal/p/ needs no login)
    path("p/login/", views.PhoneLoginView.as_view(), name="login"),
    path("p/set/<str:token>/", views.password_set, name="password_set"),
    path("p/s/<str:token>/", views.public_status, name="public_status"),
    # the resident's own pages
    path("", views.home, name="home"),
    path("report/", views.report_new, name="report_new"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/photos/<int:photo_pk>/", views.report_photo, name="report_photo"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("notices/", views.notice_list, name="notice_list"),
    path("bills/", views.bills, name="bills"),
    path("bills/receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("board/", views.board, name="board"),
    # front desk
    path("desk/", views.desk_queue, name="desk_queue"),
    path("desk/<int:pk>/", views.desk_report, name="desk_report"),
    path("desk/notices/", views.desk_notices, name="desk_notices"),
    path("desk/notices/<int:pk>/withdraw/", views.desk_notice_withdraw, name="desk_notice_withdraw"),
    path("open/<int:resident_pk>/", views.account_open, name="account_open"),
]
