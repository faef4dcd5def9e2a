from django.urls import path

from fees import views, views_finance, views_reminders

app_name = "fees"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.unit_account, name="unit_account"),
    path("units/<int:pk>/pay/", views.payment_create, name="payment_create"),
    path("units/<int:pk>/deposit/", views.deposit_take, name="deposit_take"),
    path("units/<int:pk>/deposits/", views_finance.deposits, name="deposits"),
    path("units/<int:pk>/rerun/", views.unit_rerun, name="unit_rerun"),
    path("units/<int:pk>/remind/", views_reminders.reminder_create, name="reminder_create"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts/<int:pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("bills/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("buildings/<int:pk>/notices.pdf", views.notices_building_pdf, name="notices_building_pdf"),
    path("buildings/<int:pk>/notices/email/", views_finance.notices_building_email, name="notices_building_email"),
    path("settlement/", views_finance.settlement, name="settlement"),
    path("meters/", views.meter_entry, name="meter_entry"),
    path("meters/import/", views.meter_import, name="meter_import"),
    path("runs/", views.bill_run_create, name="bill_run_create"),
    path("runs/<int:pk>/", views.bill_run_detail, name="bill_run_detail"),
    path("arrears/", views.arrears, name="arrears"),
    path("reminders/", views_reminders.reminder_list, name="reminder_list"),
    path("reminders/<int:pk>/", views_reminders.reminder_detail, name="reminder_detail"),
    path("reminders/<int:pk>/letter.pdf", views_reminders.reminder_letter_pdf, name="reminder_letter_pdf"),
    path("bank/", views.bank_batches, name="bank_batches"),
    path("bank/<int:pk>/", views.bank_batch_detail, name="bank_batch_detail"),
    path("bank/<int:pk>/export.<str:fmt>", views.bank_batch_export, name="bank_batch_export"),
]
