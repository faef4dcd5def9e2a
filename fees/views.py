"""Fees pages: thin — selector → form → one service call → message + redirect (STYLE §2).
Another site's unit, bill, payment or receipt is 404 (the selectors)."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import action_post_view, run_action
from core.errors import DomainError
from core.once import submission_done, submit_once
from core.paging import CountlessPage, paginate
from core.pdf import batch, render_pdf
from estates.imports import read_table
from estates.models import Site
from estates.selectors import building_list_visible_to, staff_of
from fees import forms as f
from fees import permissions as perm
from fees import selectors as sel
from fees import services as svc
from fees.actions import BANK_BATCH, PAYMENT, UNIT, bank_report_pop
from fees.models import BankBatch, BankLine, Bill, LedgerEntry, Meter, MeterReading, Payment


def _pdf(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="{filename}"'
    return resp


def _user_site(request: HttpRequest) -> Site:
    staff = staff_of(request.user)
    if staff is not None and staff.site_id:
        return staff.site
    site_id = request.GET.get("site") or request.POST.get("site")
    site = Site.objects.filter(pk=site_id).first() if site_id and str(site_id).isdigit() else None
    if site is None or site.pk not in sel.site_ids_visible_to(request.user):
        raise Http404
    return site


def _this_month() -> date:
    return timezone.localdate().replace(day=1)


def _month(request: HttpRequest, name: str = "month") -> date:
    try:
        return f.MonthField().clean(request.GET.get(name, "")) or _this_month()
    except Exception:
        return _this_month()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not perm.can_view_fees(request.user):
        raise Http404
    as_of = _month(request)
    sites = sel.arrears_aging(request.user, as_of=as_of, group="site")
    q = request.GET.get("q", "").strip()
    units = sel.unit_list_visible_to(request.user).filter(code__startswith=q)[:20] if q else []
    return render(request, "fees/index.html", {
        "as_of": as_of, "sites": sites, "q": q, "units": units,
        "rates": sel.collection_rate(site_ids=sel.site_ids_visible_to(request.user), period=as_of),
        "runs": sel.bill_run_list_visible_to(request.user)[:5]})


# ---- the unit's account
def _account_page(request: HttpRequest, unit, bound: dict | None = None, status: int = 200) -> HttpResponse:
    """The unit's account, with its steps (the bill re-run) for whom their predicate allows (fees/actions.py)."""
    account = sel.unit_account(unit)
    ledger = CountlessPage(LedgerEntry.objects.filter(unit=unit).select_related("payment__receipt")
                           .order_by("-at", "-id"), request.GET.get("page"), 30)
    bills = Bill.objects.filter(unit=unit).order_by("-period", "-pk")[:24]
    payments = (sel.payment_list_visible_to(request.user).filter(unit=unit).order_by("-received_at", "-pk")[:20])
    return render(request, "fees/unit_account.html", {
        "unit": unit, **account, "ledger": ledger, "bills": bills, "payments": payments,
        "forms": UNIT.forms(request.user, unit, bound),
        "can_pay": perm.can_take_payment(request.user, unit.site_id),
        "can_finance": perm.can_finance(request.user, unit.site_id),
        "can_remind": perm.can_manage_reminders(request.user, unit.site_id)}, status=status)


@login_required
def unit_account(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_page(request, UNIT.get_object(request, pk))


@login_required
@submit_once  # issue 23.2: the payment form sent twice → one payment
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(request.user, pk)
    open_bills = list(sel.open_bill_query(unit))
    form = f.PaymentForm(request.POST or None, open_bills=open_bills)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = [b for b in open_bills if str(b.pk) in set(d["bills"])] or None
        try:
            payment = svc.payment_post(unit=unit, amount=d["amount"], method=d["method"], bills=chosen,
                                       payer=d["payer"], reference=d["reference"], note=d["note"],
                                       actor=request.user)
        except DomainError as err:
            form.add_error("amount" if err.code == "amount" else None, err.message)
        else:
            messages.success(request, _("Payment recorded, receipt %(no)s.") % {"no": payment.receipt.number})
            return redirect(f"{reverse('fees:unit_account', args=[unit.pk])}?receipt={payment.receipt.pk}")
    return render(request, "fees/payment_form.html", {"form": form, "unit": unit, "open_bills": open_bills,
                                                      "account": sel.unit_account(unit)})


def _reversal_page(request: HttpRequest, payment: Payment, bound: dict | None = None,
                   status: int = 200) -> HttpResponse:
    """The reversal's form (F-02), or the message that it is not for this user; declared in fees/actions.py."""
    form = PAYMENT.forms(request.user, payment, bound).get("reverse")
    return render(request, "fees/reversal_form.html", {"form": form, "payment": payment}, status=status)


_reverse_post = action_post_view(PAYMENT, page=_reversal_page, key="reverse")


@login_required
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        return _reverse_post(request, pk)
    return _reversal_page(request, PAYMENT.get_object(request, pk))


@login_required
@submit_once
def deposit_take(request: HttpRequest, pk: int) -> HttpResponse:
    unit = sel.unit_get(request.user, pk)
    form = f.DepositForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            move = svc.deposit_take(unit=unit, amount=d["amount"], method=d["method"], reference=d["reference"],
                                    actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Deposit taken, receipt %(no)s.") % {"no": move.payment.receipt.number})
            return redirect("fees:unit_account", pk=unit.pk)
    return render(request, "fees/deposit_form.html", {"form": form, "unit": unit})


# ---- printing (D-04)
@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(sel.receipt_list_visible_to(request.user), pk=pk)
    payment = receipt.payment
    data = render_pdf("fees/print/receipt.html", {
        "receipt": receipt, "payment": payment, "unit": payment.unit, "site": receipt.site,
        "allocations": payment.allocations.filter(amount__gt=0).select_related("bill"),
        "reversals": payment.reversals.all()})
    return _pdf(data, f"receipt-{receipt.number}.pdf")


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """收费通知单 of one bill (A4)."""
    bill = get_object_or_404(sel.bill_list_visible_to(request.user), pk=pk)
    return _pdf(render_pdf("fees/print/notices.html", sel.notice_print_context([bill])), f"notice-{bill.pk}.pdf")


@login_required
def notices_building_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's 收费通知单 of a whole building, one page each (F-02 batch)."""
    building = get_object_or_404(building_list_visible_to(request.user), pk=pk)
    period = _month(request)
    bills = list(Bill.objects.filter(unit__building=building, period=period, kind=Bill.Kind.MONTHLY)
                 .exclude(status=Bill.Status.VOID))
    with batch():
        data = render_pdf("fees/print/notices.html", sel.notice_print_context(bills))
    return _pdf(data, f"notices-{building.number}-{period:%Y%m}.pdf")


# ---- meter readings (F-04)
@login_required
def meter_entry(request: HttpRequest) -> HttpResponse:
    """The keyboard page: one building's meters, one box each; Enter moves to the next box."""
    buildings = building_list_visible_to(request.user).order_by("site__name", "number")
    bid = request.GET.get("building") or request.POST.get("building")
    building = buildings.filter(pk=bid).first() if bid and str(bid).isdigit() else None
    period = _month(request) if request.method == "GET" else (
        f.MonthField().clean(request.POST.get("month")) if request.POST.get("month") else _this_month())
    results: dict[int, tuple[bool, str]] = {}
    meters = []
    if building is not None:
        meters = list(Meter.objects.filter(building=building, is_active=True).select_related("unit")
                      .order_by("unit__code", "number"))
        if request.method == "POST":
            for m in meters:
                raw = request.POST.get(f"m{m.pk}", "").strip()
                if not raw:
                    continue
                try:
                    r = svc.meter_reading_record(meter=m, period=period, reading=raw, actor=request.user)
                except DomainError as err:
                    results[m.pk] = (False, err.message)
                else:
                    results[m.pk] = (True, r.flag_reason or _("Recorded."))
            if results and all(ok for ok, _msg in results.values()):
                messages.success(request, _("%(n)s readings recorded.") % {"n": len(results)})
        readings = {r.meter_id: r for r in MeterReading.objects.filter(meter__in=meters, period=period)}
        last = {}
        for r in MeterReading.objects.filter(meter__in=meters, period__lt=period).order_by("meter_id", "-period"):
            last.setdefault(r.meter_id, r)
        meters = [(m, readings.get(m.pk), last.get(m.pk), results.get(m.pk),
                   request.POST.get(f"m{m.pk}", "") if request.method == "POST" else "") for m in meters]
    return render(request, "fees/meter_entry.html", {"buildings": buildings, "building": building,
                                                     "period": period, "rows": meters})


@login_required
@submit_once
def meter_import(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    form = f.MeterImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():

        checked = form.cleaned_data["file"]
        try:
            rows = read_table(io.BytesIO(checked.read()), f"x.{checked.ext}")
            report = svc.meter_readings_import(site_id=site.pk, period=form.cleaned_data["period"],
                                               rows=[(r + ["", ""])[:2] for r in rows[1:]], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
            report = None
        else:

            submission_done(request, reverse("fees:meter_import"))
    return render(request, "fees/meter_import.html", {"form": form, "report": report, "site": site})


# ---- bill runs (F-02)
@login_required
@submit_once
def bill_run_create(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    form = f.BillRunForm(request.POST or None, initial={"period": f"{_this_month():%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            run = svc.bill_run_start(site=site, period=form.cleaned_data["period"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("The bill run is queued; this page shows its progress."))
            return redirect("fees:bill_run_detail", pk=run.pk)
    runs = paginate(request, sel.bill_run_list_visible_to(request.user), 20)
    return render(request, "fees/bill_run_form.html", {"form": form, "site": site, "page": runs})


@login_required
def bill_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(sel.bill_run_list_visible_to(request.user), pk=pk)
    template = "fees/partials/_bill_run_progress.html" if request.htmx else "fees/bill_run_detail.html"
    buildings = building_list_visible_to(request.user).filter(site=run.site).order_by("number")
    return render(request, template, {"run": run, "buildings": buildings})


# the re-run of one unit's month (F-02), declared in fees/actions.py; a refusal shows on the account page
unit_rerun = action_post_view(UNIT, page=_account_page, key="rerun")


# ---- arrears, reminders (F-03)
@login_required
def arrears(request: HttpRequest) -> HttpResponse:
    if not perm.can_view_fees(request.user):
        raise Http404
    group = request.GET.get("group", "unit")
    group = group if group in sel.GROUPS else "unit"
    as_of = _month(request)
    rows = paginate(request, sel.arrears_aging(request.user, as_of=as_of, group=group), 50)
    return render(request, "fees/arrears.html", {"page": rows, "group": group, "as_of": as_of,
                                                 "key": sel.GROUPS[group][0], "label": sel.GROUPS[group][1],
                                                 "extra": sel.GROUPS[group][2],
                                                 "groups": [("unit", _("Unit")), ("building", _("Building")),
                                                            ("zone", _("Zone")), ("site", _("Site"))]})


# ---- bank collection (F-05)
@login_required
@submit_once
def bank_batches(request: HttpRequest) -> HttpResponse:
    site = _user_site(request)
    form = f.BankBatchForm(request.POST or None, initial={"period": f"{_this_month():%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            b = svc.bank_batch_create(site=site, actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Collection file ready: %(n)s lines.") % {"n": b.lines.count()})
            return redirect("fees:bank_batch_detail", pk=b.pk)
    return render(request, "fees/bank_batches.html", {
        "form": form, "site": site, "page": paginate(request, sel.bank_batch_list_visible_to(request.user), 20)})


def _batch_page(request: HttpRequest, batch_: BankBatch, bound: dict | None = None, status: int = 200,
                report: list | None = None) -> HttpResponse:
    """The batch's lines and, for whom its predicate allows, the import of the bank's result (fees/actions.py)."""
    lines = paginate(request, batch_.lines.select_related("bill__unit").order_by("pk"), 100)
    counts = {s: batch_.lines.filter(status=s).count() for s in BankLine.Status.values}
    return render(request, "fees/bank_batch_detail.html", {
        "batch": batch_, "form": BANK_BATCH.forms(request.user, batch_, bound).get("import"), "report": report,
        "page": lines, "counts": counts, "can_finance": perm.can_finance(request.user, batch_.site_id)},
        status=status)


@login_required
@submit_once  # issue 23.2: the same file sent twice is imported once (and each line takes its result once)
def bank_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch_ = BANK_BATCH.get_object(request, pk)
    if request.method == "POST":
        return run_action(request, BANK_BATCH, batch_, "import", page=_batch_page)
    return _batch_page(request, batch_, report=bank_report_pop(request, batch_))


@login_required
def bank_batch_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    batch_ = get_object_or_404(sel.bank_batch_list_visible_to(request.user), pk=pk)
    try:
        perm.check_finance(request.user, batch_.site_id)
    except DomainError:
        raise Http404 from None
    name = f"tuoshou-{batch_.bank}-{batch_.period:%Y%m}-{batch_.pk}"
    if fmt == "xlsx":
        resp = HttpResponse(svc.bank_batch_xlsx(batch_),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="{batch_.pk}.xlsx"; filename*=UTF-8\'\'{name}.xlsx'
    else:
        resp = HttpResponse(svc.bank_batch_csv(batch_), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{batch_.pk}.csv"; filename*=UTF-8\'\'{name}.csv'
    return resp


@login_required
def receipts(request: HttpRequest) -> HttpResponse:
    qs = sel.receipt_list_visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(number__icontains=q)
    return render(request, "fees/receipts.html", {"page": paginate(request, qs, 50), "q": q})

