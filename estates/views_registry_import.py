"""SPEC O-01: the registry import page (sites, zones, buildings, departments, staff) and its templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import DomainError
from core.once import submit_once
from core.roles import is_company_level
from estates import permissions as perms
from estates.forms_registry import RegistryImportForm
from estates.imports import REGISTRY_KINDS, registry_import, registry_template_csv
from estates.selectors import site_ids_visible_to

UPLOAD_CODES = {"file_type", "file_size", "columns", "empty", "too_many"}


def _may_import(user) -> bool:
    return is_company_level(user) or any(perms.can_manage_structure(user, s) for s in site_ids_visible_to(user))


@login_required
@submit_once  # issue 23.2: sent twice, done once
def registry_import_view(request: HttpRequest) -> HttpResponse:
    if not _may_import(request.user):
        raise PermissionDenied
    form = RegistryImportForm(request.POST or None, request.FILES or None, user=request.user)
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            result = registry_import(kind=d["kind"], upload=d["upload"], site=d["site"], actor=request.user,
                                     check_only=d["check_only"])
        except DomainError as err:
            target = "upload" if err.code in UPLOAD_CODES else "site" if err.code == "site" else None
            form.add_error(target, err.message)
    return render(request, "estates/registry_import.html",
                  {"form": form, "result": result, "kinds": REGISTRY_KINDS})


@login_required
def registry_import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in dict(REGISTRY_KINDS):
        raise Http404
    resp = HttpResponse(registry_template_csv(kind), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="registry-{kind}.csv"'
    return resp
