"""The bulk import of units and residents (SPEC O-01)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.once import submit_once
from core.paging import paginate
from estates import forms as f
from estates import selectors as sel
from estates.imports import import_job_confirm, import_job_create, import_job_map, template_csv, template_xlsx
from estates.models import ImportJob
from estates.views.registry import _form_errors, _is_manager_somewhere

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
