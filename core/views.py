from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import inbox as inbox_sel
from core import permissions, selectors, services
from core.calendar_source import calendar_warnings, load_work_calendar, year_source
from core.context_processors import landing_url
from core.errors import DomainError
from core.forms import CalendarYearForm, HolidayForm, PolicyForm, PolicyOverrideForm
from core.health import health_report
from core.models import CalendarYear, Deadline, DeadlinePolicy, HolidayOverride, Notification
from core.notifications import notification_acknowledge, notification_mark_read, notifications_awaiting_ack
from core.paging import paginate
from core.redirects import is_safe_url, safe_next
from core.scope import sites_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    url = landing_url(request.user)  # each app's nav.py declares its landing page
    if url and not request.GET.get("menu"):
        return redirect(url)
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """Monitor: database, broker, workers per queue, last sweep age; 503 when any is red (core/health.py)."""

    report = health_report(scope="all")
    return JsonResponse(report, status=200 if report["ok"] else 503)


def healthz_web(request: HttpRequest) -> JsonResponse:
    """Load balancer: this process answers and reaches the database."""

    report = health_report(scope="web")
    return JsonResponse(report, status=200 if report["ok"] else 503)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Issue 20.6: unread notices of one kind are one line (open it with ?group=), the rest one by one;
    ?before=<day> is what a daily digest summarised; ?unacked=1 the escalations awaiting acknowledgement."""
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    group_key = request.GET.get("group", "")
    group_q = inbox_sel.group_filter(group_key) if group_key else None
    before = inbox_sel.digest_before(request.GET.get("before"))
    groups: list = []
    if request.GET.get("unacked"):
        qs = qs.filter(requires_ack=True, acknowledged_at__isnull=True)
    elif group_q is not None:
        qs = qs.filter(group_q)
    elif before is not None:
        qs = qs.filter(created_at__lt=before)
    else:
        groups, rest = inbox_sel.inbox_groups(request.user)
        if groups:  # the grouped unread notices are shown as their lines, not row by row
            qs = qs.filter(Q(read_at__isnull=False) | rest | Q(requires_ack=True, acknowledged_at__isnull=True))
    page = paginate(request, qs, 25)
    awaiting = notifications_awaiting_ack(request.user).order_by("-created_at")
    return render(request, "core/inbox.html", {"page": page, "awaiting": awaiting[:20],
                                               "awaiting_count": awaiting.count(), "groups": groups,
                                               "group_key": group_key if group_q is not None else "",
                                               "before": before, "unacked": bool(request.GET.get("unacked"))})


@login_required
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The bell: lines that need a look (a group counts once) and escalations to acknowledge."""
    return render(request, "core/partials/_inbox_badge.html", inbox_sel.inbox_needs_action(request.user))


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_id=n.pk)
    return redirect(n.url if is_safe_url(request, n.url) else reverse("core:inbox"))


@login_required
@require_POST
def notification_ack(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_acknowledge(user=request.user, notification_id=pk)
    return redirect(safe_next(request, reverse("core:inbox")))  # issue 13.6


@login_required
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    notification_mark_read(user=request.user)
    return redirect("core:inbox")


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    """Bulk read (issue 20.6): the ticked notices (`ids`) or a whole group (`group`)."""
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:500]
    group = request.POST.get("group", "")
    n = inbox_sel.notification_mark_read_many(user=request.user, ids=None if group else ids, group=group)
    messages.success(request, ngettext("%(n)s notice marked read.", "%(n)s notices marked read.", n) % {"n": n})
    return redirect(safe_next(request, reverse("core:inbox")))


# ---- supervisor pages: policy table, holiday table, timers (SPEC §15, W-02, X-04)

def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _site_choices(user) -> list:
    return list(sites_visible_to(user).order_by("name"))


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_view_policies(request.user))
    own_site = permissions.own_site_id(request.user)
    rows = selectors.policy_table_for(request.user)
    for row in rows:
        row["can_edit"] = permissions.can_edit_company_policy(request.user)
        row["can_override"] = permissions.can_override_policy(request.user, row["policy"], own_site) or (
            permissions.is_company_admin(request.user) and row["policy"].site_editable)
    return render(request, "core/policy_list.html", {"rows": rows, "own_site": own_site})


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(selectors.company_policies(), pk=pk)
    _require(permissions.can_edit_company_policy(request.user))
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(user=request.user, policy=DeadlinePolicy.objects.get(pk=pk),
                                   data=form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("core:policy_list")
        except DomainError as err:
            form.add_error(None, err.message)
    return render(request, "core/policy_form.html", {"form": form, "policy": policy,
                                                     "history": policy.history.all()[:20]})


@login_required
def policy_override(request: HttpRequest, pk: int) -> HttpResponse:
    """"Override for my site": create or edit the site row of a ✎ company policy."""
    policy = get_object_or_404(selectors.company_policies(), pk=pk)
    sites = _site_choices(request.user)
    wanted = request.POST.get("site") or request.GET.get("site")
    own = permissions.own_site_id(request.user)
    site_id = int(wanted) if wanted and wanted.isdigit() else own
    if site_id is None or site_id not in {s.pk for s in sites}:
        raise Http404
    _require(permissions.can_override_policy(request.user, policy, site_id))
    current = DeadlinePolicy.objects.filter(code=policy.code, site_id=site_id).first()
    form = PolicyOverrideForm(request.POST or None, instance=current or DeadlinePolicy(
        amount=policy.amount, unit=policy.unit, from_next_opening=policy.from_next_opening,
        notify_roles=policy.notify_roles))
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_override_save(user=request.user, policy=policy, site_id=site_id, data=form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("core:policy_list")
        except DomainError as err:
            form.add_error(None, err.message)
    return render(request, "core/policy_form.html", {
        "form": form, "policy": policy, "override": current, "site_id": site_id,
        "sites": sites if permissions.is_company_admin(request.user) else [],
        "history": current.history.all()[:20] if current else []})


@login_required
def override_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An existing site row; another site's override is a 404 (SPEC X-02)."""
    row = get_object_or_404(selectors.overrides_visible_to(request.user), pk=pk)
    company = get_object_or_404(selectors.company_policies(), code=row.code)
    return redirect(f"{reverse('core:policy_override', args=[company.pk])}?site={row.site_id}")


@login_required
def holiday_list(request: HttpRequest) -> HttpResponse:

    _require(permissions.can_view_calendar(request.user))
    now = timezone.localtime()
    year = request.GET.get("year", "")
    rows = HolidayOverride.objects.all()
    if year.isdigit():
        rows = rows.filter(date__year=int(year))
    cal = load_work_calendar()
    years = [{"year": y, "source": year_source(y, cal),
              "covered": cal.year_is_covered(y)} for y in range(now.year - 1, now.year + 3)]
    return render(request, "core/holiday_list.html", {
        "rows": rows, "calendar_years": CalendarYear.objects.all(), "years": years, "year": year,
        "warnings": calendar_warnings(now), "can_edit": permissions.can_edit_calendar(request.user)})


def _calendar_form(request: HttpRequest, form_class, instance, save, title) -> HttpResponse:
    _require(permissions.can_edit_calendar(request.user))
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(user=request.user, data=form.cleaned_data, instance=instance)
            messages.success(request, _("Saved."))
            return redirect("core:holiday_list")
        except DomainError as err:
            form.add_error(None, err.message)
    return render(request, "core/simple_form.html", {"form": form, "title": title,
                                                     "back": reverse("core:holiday_list"),
                                                     "history": instance.history.all()[:20] if instance else []})


@login_required
def holiday_add(request: HttpRequest) -> HttpResponse:
    return _calendar_form(request, HolidayForm, None, services.holiday_save, _("Add a holiday or working day"))


@login_required
def holiday_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(HolidayOverride, pk=pk)
    return _calendar_form(request, HolidayForm, row, services.holiday_save, _("Edit holiday"))


@login_required
def calendar_year_add(request: HttpRequest) -> HttpResponse:
    return _calendar_form(request, CalendarYearForm, None, services.calendar_year_save, _("Calendar year"))


@login_required
def calendar_year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CalendarYear, pk=pk)
    return _calendar_form(request, CalendarYearForm, row, services.calendar_year_save, _("Calendar year"))


@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    """Running and breached timers with filters (state, code, site, overdue, subject type)."""

    _require(permissions.can_view_timers(request.user))
    g = request.GET
    qs = selectors.deadline_list(request.user, state=g.get("state", ""), code=g.get("code", ""),
                                 site=g.get("site", ""), overdue=g.get("overdue") == "1",
                                 subject_type=g.get("subject_type", ""))
    page = paginate(request, qs, 50)
    params = g.copy()
    params.pop("page", None)
    type_ids = Deadline.objects.values_list("subject_type_id", flat=True).distinct().order_by()
    return render(request, "core/deadline_list.html", {
        "page": page, "states": Deadline.State.choices, "codes": selectors.company_policies(),
        "sites": _site_choices(request.user), "filters": g, "query": params.urlencode(),
        "subject_types": ContentType.objects.filter(pk__in=list(type_ids)),
        "counts": selectors.deadline_counts(request.user), "now": timezone.now()})


@login_required
def awaiting_ack(request: HttpRequest) -> HttpResponse:
    """Escalation notices not yet acknowledged: stay listed until they are (SPEC X-04)."""
    return render(request, "core/partials/_awaiting_ack.html",
                  {"items": notifications_awaiting_ack(request.user).order_by("-created_at")[:20]})
