"""Thin views: selector → form → one service call."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import action_post_view
from core.errors import DomainError
from core.once import submit_once
from core.pdf import qr_svg_data_uri, render_pdf
from estates.models import Zone
from estates.selectors import site_ids_visible_to, site_list_visible_to
from surveys import exports, permissions, selectors, services
from surveys.actions import CORRECTIVE, REGISTRY
from surveys.forms import ActionForm, CampaignForm, QuestionnaireForm, ResponseForm
from surveys.models import DEFAULT_ITEMS, Campaign, CorrectiveAction, Grade, Household


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_object_or_404(selectors.campaign_list_visible_to(request.user), pk=pk)


# ---------------------------------------------------------------- campaigns

@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = selectors.campaign_list_visible_to(request.user)
    site_ids = site_ids_visible_to(request.user)
    trend = selectors.trend(site_ids=site_ids)
    return render(request, "surveys/campaign_list.html", {
        "campaigns": campaigns, "trend": trend, "chart": exports.trend_chart(trend),
        "can_create": any(permissions.can_organise(request.user, sid) for sid in site_ids),
    })


@login_required
@submit_once  # issue 23.2: sent twice, done once
def campaign_create(request: HttpRequest) -> HttpResponse:
    sites = site_list_visible_to(request.user)
    site_ids = [s.pk for s in sites if permissions.can_organise(request.user, s.pk)]
    if not site_ids:
        raise PermissionDenied
    sites = sites.filter(pk__in=site_ids)
    form = CampaignForm(request.POST or None, sites=sites, zones=Zone.objects.filter(site_id__in=site_ids),
                        questionnaires=selectors.questionnaire_list_visible_to(request.user)
                        .filter(Q(site__isnull=True) | Q(site_id__in=site_ids)))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_create(
                site=d["site"], title=d["title"], kind=d["kind"], questionnaire=d["questionnaire"], zone=d["zone"],
                sample_size=d["sample_size"], sample_share=d["sample_share"], launch_date=d["launch_date"],
                incident=d["incident"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            messages.success(request, _("Campaign proposed; the site director approves it before it opens."))
            return redirect(campaign)
    return render(request, "surveys/campaign_form.html", {"form": form})


def _detail_page(request: HttpRequest, campaign: Campaign, bound: dict | None = None,
                 status: int = 200) -> HttpResponse:
    user = request.user
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign,
        "households": campaign.households.select_related("unit").order_by("position"),
        "rows": selectors.item_rates(campaign) if campaign.status in ("open", "closed") else [],
        "events": campaign.events.select_related("actor").all(),
        # the forms of the steps this user may take now (surveys/actions.py asks permissions.py)
        "forms": REGISTRY.forms(user, campaign, bound),
        "can_organise": permissions.can_organise(user, campaign.site_id),
        "can_enter": permissions.can_enter(user, campaign) and campaign.status == Campaign.Status.OPEN,
        "now": timezone.now(),
    }, status=status)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _campaign(request, pk))


# approve / close / cancel are declared once in surveys/actions.py; core's generic view runs them (issue 14.1)
campaign_approve = action_post_view(REGISTRY, page=_detail_page, key="approve")
campaign_close = action_post_view(REGISTRY, page=_detail_page, key="close")
campaign_cancel = action_post_view(REGISTRY, page=_detail_page, key="cancel")


def _forms_pdf(campaign: Campaign, tokens: dict[int, str], filename: str) -> HttpResponse:
    base = settings.SITE_URL.rstrip("/")
    households = campaign.households.select_related("unit").filter(pk__in=list(tokens)).order_by("position")
    pages = []
    for h in households:
        url = base + reverse("surveys:respond", args=[tokens[h.pk]])
        pages.append({"household": h, "url": url, "qr": qr_svg_data_uri(url)})
    pdf = render_pdf("surveys/print/questionnaire.html", {
        "campaign": campaign, "pages": pages, "items": list(campaign.questionnaire.items.all()),
        "grades": Grade.choices})
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["Cache-Control"] = "no-store"  # the links are in there
    return resp


@login_required
@require_POST
def campaign_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open = draw the sample + issue the links; the printable forms come back at once (SPEC S-03)."""
    campaign = _campaign(request, pk)
    try:
        tokens = REGISTRY.get("open").run(campaign, request.user, {})
    except DomainError as err:
        messages.error(request, err.message)
        return redirect(campaign)
    campaign.refresh_from_db()
    return _forms_pdf(campaign, tokens, f"survey-{campaign.pk}-forms.pdf")


@login_required
@require_POST
def campaign_reprint(request: HttpRequest, pk: int, household_id: int | None = None) -> HttpResponse:
    """Reprint: new links replace the old ones (one household, or every unanswered one)."""
    campaign = _campaign(request, pk)
    households = None
    if household_id is not None:
        households = [get_object_or_404(Household, pk=household_id, campaign=campaign)]
    try:
        tokens = services.household_reissue(campaign=campaign, households=households, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
        return redirect(campaign)
    if not tokens:
        messages.info(request, _("Every sampled household has answered; nothing to print."))
        return redirect(campaign)
    return _forms_pdf(campaign, tokens, f"survey-{campaign.pk}-reprint.pdf")


@login_required
@submit_once  # issue 23.2: sent twice, done once
def campaign_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter paper forms one after another; ratings by number keys 1–5 (SPEC S-03)."""
    campaign = _campaign(request, pk)
    if not permissions.can_enter(request.user, campaign):
        raise PermissionDenied
    items = list(campaign.questionnaire.items.all())
    form = ResponseForm(request.POST or None, items=items, with_unit=True)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_enter_paper(campaign=campaign, unit_code=form.cleaned_data["unit"],
                                                      ratings=form.ratings(), profile=form.profile(),
                                                      actor=request.user)
        except DomainError as err:
            field = "unit" if err.code in ("not_sampled", "already_returned") else None
            form.add_error(field, err.message)
        else:
            messages.success(request, _("Form of unit %(unit)s saved.") % {"unit": response.household.unit.code})
            return redirect("surveys:campaign_entry", pk=campaign.pk)
    campaign.refresh_from_db()
    pending = campaign.households.filter(responded=False).select_related("unit").order_by("position")
    return render(request, "surveys/entry.html", {"campaign": campaign, "form": form, "pending": pending,
                                                  "grades": Grade.choices,
                                                  "grade_names": {str(v): str(label) for v, label in Grade.choices}})


# ---------------------------------------------------------------- analysis, actions, exports (S-05, S-06)

def _analysis_page(request: HttpRequest, campaign: Campaign, form: ActionForm | None = None, status: int = 200,
                   done: tuple[int, dict] | None = None) -> HttpResponse:
    """The analysis with its corrective actions; each action's "done" step for whom may take it
    (surveys/actions.py); `done` is (action pk, its failed form) when that step came back with an error."""
    can_organise = permissions.can_organise(request.user, campaign.site_id)
    a = selectors.campaign_analysis(campaign)
    a["actions"] = list(a["actions"])
    for act in a["actions"]:
        act.forms = CORRECTIVE.forms(request.user, act, done[1] if done and done[0] == act.pk else None)
    return render(request, "surveys/analysis.html", {
        "campaign": campaign, "a": a, "form": form if form is not None else ActionForm(campaign=campaign),
        "can_organise": can_organise, "grades": Grade.choices, "chart": exports.chart_data(campaign)},
        status=status)


@login_required
@submit_once  # issue 23.2: sent twice, done once
def campaign_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = ActionForm(request.POST or None, campaign=campaign)
    if request.method == "POST":
        if not permissions.can_organise(request.user, campaign.site_id):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.corrective_action_create(campaign=campaign, description=d["description"], owner=d["owner"],
                                                  due_date=d["due_date"], item=d["item"], actor=request.user)
            except DomainError as err:
                form.add_error(None, err.message)
            else:
                messages.success(request, _("Corrective action added."))
                return redirect("surveys:campaign_analysis", pk=campaign.pk)
    return _analysis_page(request, campaign, form)


def _done_page(request: HttpRequest, act: CorrectiveAction, bound: dict | None = None,
               status: int = 200) -> HttpResponse:
    return _analysis_page(request, act.campaign, status=status, done=(act.pk, bound or {}))


# S-06: a corrective action marked done, declared in surveys/actions.py and run by core's generic view
action_done = action_post_view(CORRECTIVE, page=_done_page, key="done")


@login_required
def campaign_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    analysis = selectors.campaign_analysis(campaign)
    if fmt == "xlsx":
        data = exports.analysis_xlsx(campaign, analysis)
        resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        data = render_pdf("surveys/print/analysis.html", {"campaign": campaign, "a": analysis,
                                                           "bars": exports.bars(analysis["rows"])})
        resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="survey-{campaign.pk}-analysis.{fmt}"'
    return resp


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    sites = site_list_visible_to(request.user)
    site_ids = [s.pk for s in sites]
    site_id = request.GET.get("site")
    if site_id:
        site = get_object_or_404(sites, pk=site_id)
        site_ids = [site.pk]
    report = selectors.annual_report(site_ids=site_ids, year=year)
    if request.GET.get("format") == "pdf":
        pdf = render_pdf("surveys/print/annual.html", {"r": report})
        resp = HttpResponse(pdf, content_type="application/pdf")
        resp["Content-Disposition"] = f'attachment; filename="survey-annual-{year}.pdf"'
        return resp
    if request.GET.get("format") == "xlsx":
        resp = HttpResponse(exports.annual_xlsx(report),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        resp["Content-Disposition"] = f'attachment; filename="survey-annual-{year}.xlsx"'
        return resp
    r_year = timezone.localdate().year
    return render(request, "surveys/annual.html", {"r": report, "sites": sites, "site_id": site_id,
                                                   "years": range(r_year - 4, r_year + 1),
                                                   "chart": exports.trend_chart(report["trend"])})


# ---------------------------------------------------------------- questionnaires (S-01)

@login_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/questionnaire_list.html", {
        "questionnaires": selectors.questionnaire_list_visible_to(request.user)})


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    q = get_object_or_404(selectors.questionnaire_list_visible_to(request.user), pk=pk)
    return render(request, "surveys/questionnaire_detail.html", {
        "q": q, "can_edit": permissions.can_edit_questionnaire(request.user, q),
        "campaigns": selectors.campaign_list_visible_to(request.user).filter(questionnaire=q)})


def _items_text(q) -> str:
    return "\n".join(f"{i.code}|{i.label}" for i in q.items.all())


@login_required
@submit_once  # issue 23.2: sent twice, done once
def questionnaire_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    q = None
    if pk is not None:
        q = get_object_or_404(selectors.questionnaire_list_visible_to(request.user), pk=pk)
        if not permissions.can_edit_questionnaire(request.user, q):
            raise PermissionDenied
        initial = {"name": q.name, "intro": q.intro, "items": _items_text(q)}
    else:

        initial = {"items": "\n".join(f"{c}|{label}" for c, label in DEFAULT_ITEMS)}
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if q is None:
                staff = getattr(request.user, "staff", None)
                site = None if permissions.is_company_level(request.user) else getattr(staff, "site", None)
                saved = services.questionnaire_create(name=d["name"], site=site, items=d["items"], intro=d["intro"],
                                                      actor=request.user)
            else:
                saved = services.questionnaire_edit(questionnaire=q, name=d["name"], items=d["items"],
                                                    intro=d["intro"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            if q is not None and saved.pk != q.pk:
                messages.info(request, _("The questionnaire is in use, so version %(v)s was created.")
                              % {"v": saved.version})
            return redirect(saved)
    return render(request, "surveys/questionnaire_form.html", {"form": form, "q": q})


# ---------------------------------------------------------------- the resident's one-time link (no login)

def respond(request: HttpRequest, token: str) -> HttpResponse:
    """SPEC S-03: unguessable, works once, expires when collection closes, shows nothing else."""
    now = timezone.now()
    household = services.household_for_token(token)
    state = ""
    if household is None:
        state = "invalid"
    elif household.responded:
        state = "used"
    elif not services.link_open(household.campaign, now):
        state = "closed"
    if state:
        return render(request, "surveys/public/link_state.html", {"state": state},
                      status=200 if state == "used" else 410)
    campaign = household.campaign
    items = list(campaign.questionnaire.items.all())
    form = ResponseForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit_by_link(token=token, ratings=form.ratings(), profile=form.profile(), now=now)
        except DomainError as err:
            if err.code in ("link_used", "link_expired", "link_invalid"):
                return render(request, "surveys/public/link_state.html",
                              {"state": {"link_used": "used", "link_expired": "closed"}.get(err.code, "invalid")},
                              status=410)
            form.add_error(None, err.message)
        else:
            return render(request, "surveys/public/thanks.html", {})
    resp = render(request, "surveys/public/respond.html", {"campaign": campaign, "household": household,
                                                           "form": form})
    resp["Cache-Control"] = "no-store"
    # no token in cross-site referrers ("no-referrer" would send Origin: null and fail the CSRF check)
    resp["Referrer-Policy"] = "same-origin"
    return resp
