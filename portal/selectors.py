"""Reads for the resident pages (issue 22): everything a resident sees is filtered by their household."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.shortcuts import get_object_or_404

from complaints.selectors import complaints_of_unit
from core.models import Notification
from estates.selectors import visible
from portal.models import Notice, OnlineReport, ResidentAccount
from tickets.selectors import work_order_by_public_token, work_order_history, work_orders_of_unit

if TYPE_CHECKING:  # types only: the rows are read through the tickets and complaints selectors
    from complaints.models import Complaint
    from tickets.models import WorkOrder


def account_of(user) -> ResidentAccount:
    if getattr(user, "pk", None) is None:
        raise Http404
    account = (ResidentAccount.objects.select_related("unit", "site", "resident")
               .filter(user_id=user.pk, is_active=True).first())
    if account is None:
        raise Http404
    return account


def my_orders(account: ResidentAccount):
    return work_orders_of_unit(account.site_id, account.unit_id)


def my_order(account: ResidentAccount, pk: int) -> WorkOrder:
    return get_object_or_404(my_orders(account), pk=pk)


def my_complaints(account: ResidentAccount):
    return complaints_of_unit(account.site_id, account.unit_id)


def my_complaint(account: ResidentAccount, pk: int) -> Complaint:
    return get_object_or_404(my_complaints(account), pk=pk)


def my_reports(account: ResidentAccount):
    return (OnlineReport.objects.filter(site_id=account.site_id, unit_id=account.unit_id)
            .select_related("work_order", "complaint", "suggestion").order_by("-reported_at", "-id"))


def my_report(account: ResidentAccount, pk: int) -> OnlineReport:
    return get_object_or_404(my_reports(account), pk=pk)


def order_history(order: WorkOrder):
    return work_order_history(order)


def my_notices(account: ResidentAccount):
    return Notification.objects.filter(recipient_id=account.user_id).order_by("-created_at", "-id")


def order_by_public_token(token: str) -> WorkOrder:
    if not token or len(token) < 16:
        raise Http404
    order = work_order_by_public_token(token)
    if order is None:
        raise Http404
    return order


def desk_queue(user):
    return visible(OnlineReport.objects.select_related("unit", "account"), user).filter(
        status=OnlineReport.Status.PENDING).order_by("reported_at", "id")


def desk_report(user, pk: int) -> OnlineReport:
    return get_object_or_404(visible(OnlineReport.objects.select_related("unit", "account__resident"), user), pk=pk)


def board(site_id: int):
    """The site's notice board: published, not withdrawn."""
    return Notice.objects.filter(site_id=site_id, withdrawn_at__isnull=True).order_by("-published_at", "-id")


def desk_notices(user):
    return visible(Notice.objects.all(), user).order_by("-published_at", "-id")
