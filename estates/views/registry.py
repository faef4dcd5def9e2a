"""The registry tables: one declaration per kind of record, its list, detail, create and edit pages (O-01, X-02)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from core.roles import Role, is_company_level
from estates import forms as f
from estates import permissions as perms
from estates import selectors as sel
from estates import services
from estates.models import Site

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
