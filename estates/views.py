"""Registry pages (SPEC O-01..O-03, X-01, X-02): thin views over selectors, forms and services.

Every query starts from a `*_list_visible_to(user)` selector, so another site's record is a 404."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from core import uploads
from core.calendar_source import load_work_calendar
from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.roles import Role, is_company_level
from estates import forms as f
from estates import permissions as perms
from estates import selectors as sel
from estates import services
from estates.imports import import_job_confirm, import_job_create, import_job_map, template_csv, template_xlsx
from estates.models import DutyShift, ImportJob, Site, Unit
from estates.roster import week_gaps

PER_PAGE = 50


def _user_site(user) -> Site | None:
    staff = getattr(user, "staff", None)
    return staff.site if staff is not None and staff.site_id else None


def _form_errors(form, err: Exception) -> None:
    """A DomainError or model ValidationError shown on the bound form (SPEC X-03)."""
    if isinstance(err, ValidationError) and hasattr(err, "error_dict"):
        for name, errs in err.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    elif isinstance(err, DomainError):
        target = {"file_type": "upload", "file_size": "upload", "columns": "upload", "empty": "upload"}.get(
            err.code)
        form.add_error(target if target in form.fields else None, err.message)
    else:
        form.add_error(None, err.messages if isinstance(err, ValidationError) else str(err))


# ---- one table of entities -----------------------------------------------------------------------

@dataclass
class Entity:
    key: str  # url name prefix
    title: Any
    plural: Any
    selector: Any
    form: Any
    may_create: Any  # (user) -> bool
    may_edit: Any  # (user, obj) -> bool
    columns: list[tuple[Any, Any]] = field(default_factory=list)  # (label, obj -> value)
    search: Any = None  # (qs, q) -> qs
    detail_fields: list[str] = field(default_factory=list)
    detail_template: str = "estates/registry_detail.html"


def _is_manager_somewhere(user) -> bool:
    return is_company_level(user) or perms.can_manage_structure(user, _user_site(user))


ENTITIES: dict[str, Entity] = {
    "site": Entity(
        "site", gettext_lazy("site"), gettext_lazy("Sites"), sel.site_list_visible_to, f.SiteForm,
        may_create=perms.can_manage_sites, may_edit=lambda u, o: perms.can_manage_sites(u),
        columns=[(gettext_lazy("name"), lambda o: o.name), (gettext_lazy("code"), lambda o: o.code),
                 (gettext_lazy("service center phone"), lambda o: o.phone),
                 (gettext_lazy("office hours"), lambda o: f"{o.office_open:%H:%M}–{o.office_close:%H:%M}")],
        search=lambda qs, q: qs.filter(Q(name__contains=q) | Q(code__icontains=q)),
        detail_fields=["company", "name", "code", "address", "phone", "office_open", "office_close", "households"]),
    "zone": Entity(
        "zone", gettext_lazy("zone"), gettext_lazy("Zones"), sel.zone_list_visible_to, f.ZoneForm,
        may_create=_is_manager_somewhere, may_edit=lambda u, o: perms.can_manage_structure(u, o.site_id),
        columns=[(gettext_lazy("name"), lambda o: o.name), (gettext_lazy("site"), lambda o: o.site),
                 (gettext_lazy("zone manager"), lambda o: o.manager or "—")],
        search=lambda qs, q: qs.filter(Q(name__contains=q) | Q(manager__name__contains=q)),
        detail_fields=["site", "name", "manager"]),
    "building": Entity(
        "building", gettext_lazy("building"), gettext_lazy("Buildings"), sel.building_list_visible_to,
        f.BuildingForm, may_create=_is_manager_somewhere,
        may_edit=lambda u, o: perms.can_manage_structure(u, o.site_id),
        columns=[(gettext_lazy("building number"), lambda o: o.number), (gettext_lazy("name"), lambda o: o.name),
                 (gettext_lazy("site"), lambda o: o.site), (gettext_lazy("zone"), lambda o: o.zone or "—"),
                 (gettext_lazy("floors"), lambda o: o.floors)],
        search=lambda qs, q: qs.filter(Q(number__startswith=q) | Q(name__contains=q)),
        detail_fields=["site", "number", "name", "zone", "floors"]),
    "unit": Entity(
        "unit", gettext_lazy("unit"), gettext_lazy("Resident files"), sel.unit_list_visible_to, f.UnitForm,
        may_create=_is_manager_somewhere, may_edit=lambda u, o: perms.can_edit_registry(u, o.site_id),
        columns=[(pgettext_lazy("flat", "unit"), lambda o: o.code), (gettext_lazy("site"), lambda o: o.site),
                 (gettext_lazy("floor area (m²)"), lambda o: o.area),
                 (gettext_lazy("occupancy"), lambda o: o.get_occupancy_display())],
        search=sel.unit_search, detail_template="estates/unit_detail.html"),
    "resident": Entity(
        "resident", gettext_lazy("resident"), gettext_lazy("Residents"), sel.resident_list_visible_to,
        f.ResidentForm, may_create=lambda u: perms.can_edit_registry(u, _user_site(u)) or is_company_level(u),
        may_edit=lambda u, o: perms.can_edit_registry(u, o.site_id),
        columns=[(pgettext_lazy("person", "name"), lambda o: o.name),
                 (pgettext_lazy("flat", "unit"), lambda o: o.unit.code),
                 (gettext_lazy("kind"), lambda o: o.get_kind_display()), (gettext_lazy("phone"), lambda o: o.phone),
                 (gettext_lazy("lives here"), lambda o: _("yes") if o.is_active else _("moved out"))],
        search=lambda qs, q: qs.filter(Q(name__contains=q) | Q(phone__contains=q) | Q(unit__code__startswith=q)),
        detail_template="estates/resident_detail.html"),
    "department": Entity(
        "department", gettext_lazy("department"), gettext_lazy("Departments"), sel.department_list_visible_to,
        f.DepartmentForm, may_create=_is_manager_somewhere,
        may_edit=lambda u, o: perms.can_manage_structure(u, o.site_id),
        columns=[(gettext_lazy("name"), lambda o: o.name), (gettext_lazy("kind"), lambda o: o.get_kind_display()),
                 (gettext_lazy("site"), lambda o: o.site),
                 (gettext_lazy("active"), lambda o: _("yes") if o.is_active else _("no"))],
        search=lambda qs, q: qs.filter(name__contains=q),
        detail_fields=["site", "name", "kind", "is_active"]),
    "staff": Entity(
        "staff", gettext_lazy("staff member"), gettext_lazy("Staff"), sel.staff_list_visible_to, f.StaffForm,
        may_create=lambda u: is_company_level(u) or perms.can_manage_staff(u, _user_site(u)),
        may_edit=lambda u, o: perms.can_manage_staff(u, o.site_id) if o.site_id else perms.can_manage_sites(u),
        columns=[(pgettext_lazy("person", "name"), lambda o: o.name),
                 (gettext_lazy("login"), lambda o: format_html('<code translate="no">{}</code>', o.user.username)),
                 (gettext_lazy("department"), lambda o: o.department or "—"),
                 (gettext_lazy("site"), lambda o: o.site or "—"),
                 (gettext_lazy("active"), lambda o: _("yes") if o.is_active else _("no"))],
        search=lambda qs, q: qs.filter(Q(name__contains=q) | Q(phone__contains=q) | Q(user__username__icontains=q)),
        detail_template="estates/staff_detail.html"),
}


def _entity(key: str) -> Entity:
    try:
        return ENTITIES[key]
    except KeyError as err:
        raise Http404 from err


@login_required
def registry_home(request: HttpRequest) -> HttpResponse:
    site = _user_site(request.user)
    return render(request, "estates/registry_home.html", {
        "entities": [(e, reverse(f"estates:{e.key}_list")) for e in ENTITIES.values()],
        "can_import": _is_manager_somewhere(request.user),
        "site": site,
    })


@login_required
def entity_list(request: HttpRequest, key: str) -> HttpResponse:
    ent = _entity(key)
    qs = ent.selector(request.user)
    if key == "unit" and not request.GET.get("archived"):
        qs = qs.filter(archived=False)
    if key == "resident" and not request.GET.get("moved_out"):
        qs = qs.filter(is_active=True)
    q = request.GET.get("q", "").strip()
    if q and ent.search:
        qs = ent.search(qs, q)
    page = paginate(request, qs.order_by(*qs.query.order_by or qs.model._meta.ordering or ["pk"]), PER_PAGE)
    rows = [{"obj": o, "url": reverse(f"estates:{key}_detail", args=[o.pk]),
             "cells": [fn(o) for _label, fn in ent.columns]} for o in page]
    return render(request, "estates/registry_list.html", {
        "ent": ent, "page": page, "rows": rows, "q": q, "may_create": ent.may_create(request.user),
        "create_url": reverse(f"estates:{key}_create"),
    })


def _detail_rows(obj, names: list[str]) -> list[tuple[str, Any]]:
    rows = []
    for name in names:
        fld = obj._meta.get_field(name)
        value = getattr(obj, f"get_{name}_display")() if fld.choices else getattr(obj, name)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((fld.verbose_name, value if value not in (None, "") else "—"))
    return rows


@login_required
def entity_detail(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    ent = _entity(key)
    obj = get_object_or_404(ent.selector(request.user), pk=pk)
    ctx: dict[str, Any] = {"ent": ent, "obj": obj, "may_edit": ent.may_edit(request.user, obj),
                           "edit_url": reverse(f"estates:{key}_edit", args=[pk]),
                           "history": sel.registry_history(obj), "fields": _detail_rows(obj, ent.detail_fields)}
    ctx.update(_detail_extra(request, key, obj))
    return render(request, ent.detail_template, ctx)


@functools.cache
def _unit_sections() -> tuple[str, ...]:
    """Sections other apps add to the unit's resident file (O-02), by convention
    `<app>/partials/_unit_file.html` (e.g. the unit's renovations); estates names no app."""
    found = []
    for cfg in apps.get_app_configs():
        name = f"{cfg.label}/partials/_unit_file.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


def _detail_extra(request: HttpRequest, key: str, obj) -> dict:
    user = request.user
    if key == "unit":
        docs = sel.document_list_visible_to(user).filter(unit=obj).order_by("voided", "-created_at")
        return {"unit": obj, "residents": obj.residents.filter(is_active=True).order_by("kind", "name"),
                "former": obj.residents.filter(is_active=False).order_by("name"),
                "documents": docs, "doc_form": f.UnitDocumentForm(),
                "may_archive": perms.can_manage_structure(user, obj.site_id), "unit_sections": _unit_sections()}
    if key == "resident":
        return {"resident": obj, "may_reveal": perms.can_reveal_id_number(user, obj.site_id),
                "household": obj.unit.residents.filter(is_active=True).exclude(pk=obj.pk)}
    if key == "staff":
        roles = [Role(r).label for r in obj.user.groups.values_list("name", flat=True) if r in Role.values]
        return {"staff": obj, "roles": roles}
    if key == "site":
        return {"zones": obj.zones.all(), "departments": obj.departments.all()}
    return {}


def _form_kwargs(request: HttpRequest, key: str, instance=None) -> dict:
    kwargs: dict[str, Any] = {"user": request.user}
    if instance is None and key != "site" and not is_company_level(request.user):
        kwargs["site"] = _user_site(request.user)
    if instance is None and key == "resident" and request.GET.get("unit"):
        unit = sel.unit_list_visible_to(request.user).filter(pk=request.GET["unit"]).first()
        kwargs["unit"] = unit
    return kwargs


@login_required
@submit_once  # issue 23.2: sent twice, done once
def entity_create(request: HttpRequest, key: str) -> HttpResponse:
    ent = _entity(key)
    if not ent.may_create(request.user):
        raise PermissionDenied
    form_class = f.StaffCreateForm if key == "staff" else ent.form
    form = form_class(request.POST or None, **_form_kwargs(request, key))
    if request.method == "POST" and form.is_valid():
        try:
            if key == "staff":
                d = form.cleaned_data
                obj = services.staff_create(
                    actor=request.user, site=form.instance.site, username=d["username"], password=d["password"],
                    name=d["name"], phone=d["phone"], employee_no=d["employee_no"], department=d["department"],
                    zone=d["zone"], roles=d["roles"])
            else:
                obj = services.registry_record_save(instance=form.instance, actor=request.user)
        except (DomainError, ValidationError) as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("Saved."))
            return redirect(_after_save_url(key, obj))
    return render(request, "estates/registry_form.html", {"ent": ent, "form": form, "obj": None,
                                                          "cancel_url": reverse(f"estates:{key}_list")})


def _after_save_url(key: str, obj) -> str:
    if key == "resident":
        return reverse("estates:unit_detail", args=[obj.unit_id])
    return reverse(f"estates:{key}_detail", args=[obj.pk])


@login_required
@submit_once  # issue 23.2: sent twice, done once
def entity_edit(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    ent = _entity(key)
    obj = get_object_or_404(ent.selector(request.user), pk=pk)
    if not ent.may_edit(request.user, obj):
        raise PermissionDenied
    form = ent.form(request.POST or None, instance=obj, **_form_kwargs(request, key, obj))
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.registry_record_save(instance=form.instance, actor=request.user)
            if key == "staff":
                services.staff_set_roles(staff=obj, roles=form.cleaned_data["roles"], actor=request.user)
        except (DomainError, ValidationError) as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("Saved."))
            return redirect(_after_save_url(key, obj))
    return render(request, "estates/registry_form.html", {"ent": ent, "form": form, "obj": obj,
                                                          "cancel_url": reverse(f"estates:{key}_detail", args=[pk])})


# ---- record actions (never delete: archive, move out, deactivate, void) ----------------------------

def _reason_action(request: HttpRequest, action) -> str | None:
    form = f.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return None
    try:
        action(form.cleaned_data["reason"])
    except DomainError as err:
        messages.error(request, err.message)
        return None
    return form.cleaned_data["reason"]


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def unit_archive(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(sel.unit_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.unit_archive(unit=unit, actor=request.user, reason=r)):
        messages.success(request, _("The unit is archived."))
    return redirect(unit)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def resident_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    res = get_object_or_404(sel.resident_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.resident_move_out(resident=res, actor=request.user, reason=r)):
        messages.success(request, _("Marked as moved out."))
    return redirect("estates:resident_detail", pk=pk)


@login_required
@require_POST
def resident_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """The explicit "show" action: the full number once, and the look is in the history."""
    res = get_object_or_404(sel.resident_list_visible_to(request.user), pk=pk)
    try:
        number = services.resident_reveal_id_number(resident=res, actor=request.user)
    except DomainError as err:
        raise PermissionDenied(err.message) from err
    if request.htmx:
        return render(request, "estates/partials/_id_number.html", {"resident": res, "revealed": number})
    ent = ENTITIES["resident"]
    ctx = {"ent": ent, "obj": res, "may_edit": ent.may_edit(request.user, res), "revealed": number,
           "edit_url": reverse("estates:resident_edit", args=[pk]), "history": sel.registry_history(res)}
    ctx.update(_detail_extra(request, "resident", res))
    return render(request, "estates/resident_detail.html", ctx)


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def staff_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    staff = get_object_or_404(sel.staff_list_visible_to(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.staff_set_active(staff=staff, active=active, actor=request.user,
                                  reason=request.POST.get("reason", ""))
    except DomainError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("estates:staff_detail", pk=pk)


# ---- documents (SPEC O-02) -------------------------------------------------------------------------

@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(sel.unit_list_visible_to(request.user), pk=pk)
    if not perms.can_edit_registry(request.user, unit.site_id):
        raise PermissionDenied
    form = f.UnitDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.unit_document_add(unit=unit, doc_type=form.cleaned_data["doc_type"],
                                       title=form.cleaned_data["title"], upload=form.cleaned_data["upload"],
                                       actor=request.user)
        except DomainError as err:
            _form_errors(form, err)
        else:
            messages.success(request, _("The document is in the file."))
            return redirect(unit)
    request_ctx = {"ent": ENTITIES["unit"], "obj": unit, "history": sel.registry_history(unit),
                   "may_edit": perms.can_edit_registry(request.user, unit.site_id),
                   "edit_url": reverse("estates:unit_edit", args=[unit.pk])}
    request_ctx.update(_detail_extra(request, "unit", unit))
    request_ctx["doc_form"] = form
    return render(request, "estates/unit_detail.html", request_ctx, status=400)


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    doc = get_object_or_404(sel.document_list_visible_to(request.user), pk=pk)
    # issue 13: type by content, nosniff; inline only on request and only for a verified image or PDF
    return uploads.serve(doc.file, filename=doc.original_name, as_attachment=request.GET.get("inline") != "1")


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def document_void(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(sel.document_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.unit_document_void(document=doc, actor=request.user, reason=r)):
        messages.success(request, _("The document is voided."))
    return redirect(doc.unit)


# ---- bulk import (SPEC O-01) -----------------------------------------------------------------------

@login_required
@submit_once  # issue 23.2: sent twice, done once
def import_start(request: HttpRequest) -> HttpResponse:
    if not _is_manager_somewhere(request.user):
        raise PermissionDenied
    form = f.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(site=form.cleaned_data["site"], kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["upload"], actor=request.user)
        except DomainError as err:
            _form_errors(form, err)
        else:
            if job.status == ImportJob.Status.MAPPING:  # issue 13.5: headers not recognised
                return redirect("estates:import_map", pk=job.pk)
            return redirect("estates:import_detail", pk=job.pk)
    jobs = paginate(request, sel.import_job_list_visible_to(request.user), 20)
    return render(request, "estates/import_start.html", {"form": form, "page": jobs})


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(sel.import_job_list_visible_to(request.user), pk=pk)
    errors = paginate(request, job.errors, 100)
    tpl = "estates/partials/_import_progress.html" if request.htmx else "estates/import_detail.html"
    return render(request, tpl, {"job": job, "page": errors})


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(sel.import_job_list_visible_to(request.user), pk=pk)
    try:
        import_job_confirm(job=job, actor=request.user)
    except DomainError as err:
        messages.error(request, err.message)
    return redirect("estates:import_detail", pk=pk)


@login_required
@submit_once  # issue 23.2: sent twice, done once
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue 13.5: the user matches each column of the kept file to a field; no second upload."""
    job = get_object_or_404(sel.import_job_list_visible_to(request.user), pk=pk)
    if job.status not in (ImportJob.Status.MAPPING, ImportJob.Status.PREVIEW):
        return redirect("estates:import_detail", pk=pk)
    form = f.ImportMappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            import_job_map(job=job, mapping=form.cleaned_data["mapping"], actor=request.user)
        except DomainError as err:
            form.add_error(None, err.message)
        else:
            return redirect("estates:import_detail", pk=pk)
    return render(request, "estates/import_map.html", {"job": job, "form": form})


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in ImportJob.Kind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    name = {"units": "房号导入模板", "residents": "住户导入模板"}[kind]
    if fmt == "csv":
        body, ctype = template_csv(kind), "text/csv; charset=utf-8"
    else:
        body, ctype = template_xlsx(kind), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    resp = HttpResponse(body, content_type=ctype)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}.{fmt}"
    return resp


# ---- duty roster (SPEC O-03) -----------------------------------------------------------------------

def _roster_site(request: HttpRequest) -> Site:
    sites = sel.site_list_visible_to(request.user)
    site_id = request.GET.get("site") or request.POST.get("site")
    site = sites.filter(pk=site_id).first() if site_id else (_user_site(request.user) or sites.first())
    if site is None or not sites.filter(pk=site.pk).exists():
        raise Http404
    return site


@login_required
def roster_week(request: HttpRequest) -> HttpResponse:

    site = _roster_site(request)
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    shifts = list(sel.duty_shift_list_visible_to(request.user).filter(site=site, date__range=(days[0], days[-1]),
                                                                       cancelled=False))
    by_day: dict[date, list] = {d: [] for d in days}
    for s in shifts:
        by_day[s.date].append(s)
    cal = load_work_calendar()
    gaps = week_gaps({d: [(s.start, s.end) for s in ss] for d, ss in by_day.items()}, monday, cal,
                     site.office_open, site.office_close)
    may_keep = perms.can_keep_roster(request.user, site.pk)
    form = f.DutyShiftForm(user=request.user, site=site, initial={"date": days[0], "start": site.office_open,
                                                                   "end": site.office_close}) if may_keep else None
    week = [{"day": d, "working": cal.is_working_day(d), "shifts": by_day[d], "gaps": gaps[d]} for d in days]
    return render(request, "estates/roster_week.html", {
        "site": site, "week": week, "monday": monday, "prev": monday - timedelta(days=7),
        "next": monday + timedelta(days=7), "form": form, "may_keep": may_keep,
        "sites": sel.site_list_visible_to(request.user), "gap_count": sum(len(g) for g in gaps.values()),
    })


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def roster_add(request: HttpRequest) -> HttpResponse:
    site = _roster_site(request)
    form = f.DutyShiftForm(request.POST, user=request.user, site=site)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.duty_shift_add(site=site, staff=d["staff"], day=d["date"], start=d["start"], end=d["end"],
                                    actor=request.user)
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Shift added."))
        return redirect(f"{reverse('estates:roster')}?site={site.pk}&week={d['date']:%Y-%m-%d}")
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, e)
    return redirect(f"{reverse('estates:roster')}?site={site.pk}")


@login_required
@require_POST
@submit_once  # issue 23.2: sent twice, done once
def roster_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(sel.duty_shift_list_visible_to(request.user), pk=pk)
    if _reason_action(request, lambda r: services.duty_shift_cancel(shift=shift, actor=request.user, reason=r)):
        messages.success(request, _("Shift cancelled."))
    return redirect(f"{reverse('estates:roster')}?site={shift.site_id}&week={shift.date:%Y-%m-%d}")


__all__ = ["DutyShift", "Unit"]
