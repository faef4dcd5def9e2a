from django.urls import path

from core import views, views_approvals

app_name = "core"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/badge/", views.inbox_badge, name="inbox_badge"),
    path("inbox/awaiting/", views.awaiting_ack, name="awaiting_ack"),
    path("inbox/read-all/", views.inbox_mark_all_read, name="inbox_read_all"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_read"),
    path("inbox/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("inbox/<int:pk>/ack/", views.notification_ack, name="notification_ack"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/edit/", views.policy_edit, name="policy_edit"),
    path("policies/<int:pk>/override/", views.policy_override, name="policy_override"),
    path("policies/override/<int:pk>/", views.override_edit, name="override_edit"),
    path("holidays/", views.holiday_list, name="holiday_list"),
    path("holidays/add/", views.holiday_add, name="holiday_add"),
    path("holidays/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("holidays/years/add/", views.calendar_year_add, name="calendar_year_add"),
    path("holidays/years/<int:pk>/edit/", views.calendar_year_edit, name="calendar_year_edit"),
    path("deadlines/", views.deadline_list, name="deadline_list"),
    # SPEC T-18: approvals in the approver's own login
    path("approvals/", views_approvals.approval_list, name="approval_list"),
    path("approvals/<int:pk>/", views_approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/decide/", views_approvals.approval_decide, name="approval_decide"),
    path("approvals/<int:pk>/paper/", views_approvals.approval_paper, name="approval_paper"),
    path("approvals/<int:pk>/withdraw/", views_approvals.approval_cancel, name="approval_cancel"),
    path("approvals/<int:pk>/scan/", views_approvals.approval_scan, name="approval_scan"),
    path("approvals/of/<str:model>/<int:pk>/", views_approvals.approvals_of, name="approvals_of"),
]
