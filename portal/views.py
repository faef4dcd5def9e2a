"""Resident pages (issue 22): thin views over portal.services / portal.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.pdf import html_to_pdf, qr_png_data_uri, render_html, render_pdf
from core.uploads import serve
from estates.selectors import resident_list_visible_to, site_list_visible_to
from fees import selectors as fees_selectors
from portal import permissions, selectors, services
from portal.forms import (
    AccountOpenForm,
    ConfirmForm,
    DeclineForm,
    EvaluationForm,
    NoticeForm,
    PasswordSetForm,
    PhoneLoginForm,
    ReportForm,
)
from portal.models import OnlineReport

PER_PAGE = 20


def _resident(request):
    if not permissions.is_resident(request.user):
        raise Http404  # staff have their own pages
    return selectors.account_of(request.user)


# ---------------------------------------------------------------- public: login, one-time link, status
class PhoneLoginView(auth_views.LoginView):
    form_class = PhoneLoginForm
    template_name = "portal/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return reverse("portal:home")


def password_set(request, token: str):
    link = services.link_valid(token)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(token=token, password=form.cleaned_data["password1"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Your password is set. Log in with your phone number."))
            return redirect("portal:login")
    return render(request, "portal/password_set.html", {"form": form, "link_ok": link is not None})


def public_status(request, token: str):
    """The receipt QR: number, category, status, deadline — no name, phone or unit."""
    order = selectors.order_by_public_token(token)
    return render(request, "portal/public_status.html", {"order": order})


# ---------------------------------------------------------------- resident pages
def home(request):
    account = _resident(request)
    return render(request, "portal/home.html", {
        "account": account, "orders": selectors.my_orders(account)[:10],
        "complaints": selectors.my_complaints(account)[:10],
        "reports": selectors.my_reports(account).filter(status=OnlineReport.Status.PENDING)[:10],
        "notices": selectors.my_notices(account)[:5]})


@submit_once
def report_new(request):
    account = _resident(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_submit(account=account, kind=form.cleaned_data["kind"],
                                            content=form.cleaned_data["content"],
                                            preferred_time=form.cleaned_data["preferred_time"],
                                            photos=form.cleaned_data["photos"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Sent. The front desk will confirm it soon."))
            return redirect("portal:report_detail", pk=report.pk)
    return render(request, "portal/report_form.html", {"form": form, "account": account})


def report_list(request):
    account = _resident(request)
    return render(request, "portal/report_list.html", {
        "page": paginate(request, selectors.my_reports(account), PER_PAGE)})


def report_detail(request, pk: int):
    account = _resident(request)
    return render(request, "portal/report_detail.html", {"report": selectors.my_report(account, pk)})


def order_list(request):
    account = _resident(request)
    return render(request, "portal/order_list.html", {"page": paginate(request, selectors.my_orders(account),
                                                                      PER_PAGE)})


@submit_once
def order_detail(request, pk: int):
    account = _resident(request)
    order = selectors.my_order(account, pk)
    evaluation = getattr(order, "online_evaluation", None) if hasattr(order, "online_evaluation") else None
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_evaluate(account=account, order=order, value=form.cleaned_data["value"],
                                    comment=form.cleaned_data["comment"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect("portal:order_detail", pk=order.pk)
    can_evaluate = evaluation is None and order.status in services.EVALUABLE
    return render(request, "portal/order_detail.html", {
        "order": order, "history": selectors.order_history(order), "evaluation": evaluation,
        "form": form if can_evaluate else None})


def complaint_list(request):
    account = _resident(request)
    return render(request, "portal/complaint_list.html", {
        "page": paginate(request, selectors.my_complaints(account), PER_PAGE)})


def complaint_detail(request, pk: int):
    account = _resident(request)
    complaint = selectors.my_complaint(account, pk)
    return render(request, "portal/complaint_detail.html", {"complaint": complaint})


def notice_list(request):
    account = _resident(request)
    return render(request, "portal/notice_list.html", {
        "page": paginate(request, selectors.my_notices(account), PER_PAGE)})


def bills(request):
    """P-04: bills, payments and receipts of the household, and what is owed — record only, no payment."""
    account = _resident(request)
    account_sums = fees_selectors.unit_account(account.unit)
    return render(request, "portal/bills.html", {
        "bills": fees_selectors.household_bills(account.unit_id)[:24],
        "payments": fees_selectors.household_payments(account.unit_id)[:24],
        "outstanding": account_sums["outstanding"], "open_bills": account_sums["open_bills"]})


def receipt_pdf(request, pk: int):
    account = _resident(request)
    receipt = fees_selectors.household_receipt(account.unit_id, pk)
    resp = HttpResponse(render_pdf("fees/print/receipt.html", fees_selectors.receipt_print_context(receipt)),
                        content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="receipt-{receipt.number}.pdf"'
    return resp


def board(request):
    account = _resident(request)
    return render(request, "portal/board.html", {"page": paginate(request, selectors.board(account.site_id),
                                                                  PER_PAGE)})


# ---------------------------------------------------------------- front desk
@require_POST
def account_open(request, resident_pk: int):
    """From the resident file: open the account and print the welcome slip with the one-time QR."""
    resident = get_object_or_404(resident_list_visible_to(request.user), pk=resident_pk)
    if not permissions.can_open_account(request.user, resident.site_id):
        raise PermissionDenied
    form = AccountOpenForm(request.POST)
    form.is_valid()
    try:
        account, token = services.account_open(resident=resident, actor=request.user,
                                               phone=form.cleaned_data.get("phone", ""),
                                               email=form.cleaned_data.get("email", ""))
    except DomainError as err:
        messages.error(request, err.message)
        return redirect(resident.get_absolute_url())
    url = request.build_absolute_uri(reverse("portal:password_set", args=[token]))
    if account.email:
        services.link_email(account=account, url=url)
    html = render_html("portal/print/welcome.html", {"account": account, "url": url, "qr": qr_png_data_uri(url),
                                                     "hours": int(services.LINK_LIFETIME.total_seconds() // 3600)})
    resp = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    resp["Content-Disposition"] = 'inline; filename="welcome.pdf"'
    resp["Cache-Control"] = "no-store"
    return resp


def desk_queue(request):
    if permissions.is_resident(request.user):
        raise Http404
    return render(request, "portal/desk_queue.html", {
        "page": paginate(request, selectors.desk_queue(request.user), PER_PAGE)})


@submit_once
def desk_report(request, pk: int):
    if permissions.is_resident(request.user):
        raise Http404
    report = selectors.desk_report(request.user, pk)
    confirm = ConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    decline = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm" and confirm.is_valid():
                services.report_confirm(report=report, actor=request.user, category=confirm.cleaned_data["category"],
                                        subject=confirm.cleaned_data["subject"])
                messages.success(request, _("Confirmed; the clocks run from now."))
                return redirect("portal:desk_report", pk=report.pk)
            if request.POST.get("action") == "decline" and decline.is_valid():
                services.report_decline(report=report, actor=request.user, reason=decline.cleaned_data["reason"])
                return redirect("portal:desk_queue")
        except DomainError as err:
            (confirm if request.POST.get("action") == "confirm" else decline).add_error(None, err.message)
    return render(request, "portal/desk_report.html", {"report": report, "confirm": confirm, "decline": decline,
                                                       "can_handle": permissions.can_handle_reports(
                                                           request.user, report.site_id)})


def report_photo(request, pk: int, photo_pk: int):
    """Photos served only after the household (resident) or site (staff) lookup."""
    if permissions.is_resident(request.user):
        report = selectors.my_report(selectors.account_of(request.user), pk)
    else:
        report = selectors.desk_report(request.user, pk)
    photo = get_object_or_404(report.photos.all(), pk=photo_pk)
    return serve(photo.file)


@submit_once
def desk_notices(request):
    """The front desk publishes (and withdraws) the site's notices."""
    if permissions.is_resident(request.user):
        raise Http404
    sites = [site for site in site_list_visible_to(request.user)
             if permissions.can_handle_reports(request.user, site.pk)]
    form = NoticeForm(request.POST or None, sites=site_list_visible_to(request.user).filter(
        pk__in=[site.pk for site in sites]))
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_publish(site_id=form.cleaned_data["site"].pk, actor=request.user,
                                    kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                                    body=form.cleaned_data["body"])
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Published."))
            return redirect("portal:desk_notices")
    return render(request, "portal/desk_notices.html", {
        "form": form if sites else None, "page": paginate(request, selectors.desk_notices(request.user), PER_PAGE)})


@require_POST
def desk_notice_withdraw(request, pk: int):
    if permissions.is_resident(request.user):
        raise Http404
    notice = get_object_or_404(selectors.desk_notices(request.user), pk=pk)
    services.notice_withdraw(notice=notice, actor=request.user)
    return redirect("portal:desk_notices")
