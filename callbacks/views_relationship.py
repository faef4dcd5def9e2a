"""SPEC CB-08: the relationship plans (list, create) and a plan's tasks per zone (add, record, cancel)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from callbacks import selectors, services
from callbacks.forms_relationship import PlanForm, TaskCancelForm, TaskDoneForm, TaskForm
from callbacks.models import RelationshipTask
from callbacks.permissions import can_plan_relationship, can_record_relationship_task
from core.errors import DomainError
from core.once import submit_once
from core.roles import Role, has_role
from estates.selectors import site_list_visible_to

VIEWERS = (Role.ZONE_STAFF, Role.ZONE_MANAGER, Role.CS_SUPERVISOR, Role.CENTER_HEAD, Role.SITE_DIRECTOR,
           Role.COMPANY_LEADER, Role.EXECUTIVE)


@login_required
@submit_once  # issue 23.2: sent twice, done once
def relationship_plans(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, *VIEWERS):
        raise PermissionDenied
    sites = site_list_visible_to(request.user).filter(
        pk__in=[s.pk for s in site_list_visible_to(request.user) if can_plan_relationship(request.user, s.pk)])
    form = PlanForm(request.POST or None, sites=sites) if sites.exists() else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            plan = services.relationship_plan_create(site=form.cleaned_data["site"], month=form.cleaned_data["month"],
                                                     notes=form.cleaned_data["notes"], actor=request.user)
        except DomainError as err:
            form.add_error("month" if err.code == "exists" else None, err.message)
        else:
            messages.success(request, _("Plan made: add its tasks per zone."))
            return redirect(plan)
    plans = selectors.relationship_plan_list_visible_to(request.user)[:60]
    return render(request, "callbacks/relationship_plans.html", {"plans": plans, "form": form},
                  status=422 if request.method == "POST" else 200)


@login_required
@submit_once  # issue 23.2: sent twice, done once
def relationship_plan(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(selectors.relationship_plan_list_visible_to(request.user), pk=pk)
    planner = can_plan_relationship(request.user, plan.site_id)
    add_form = TaskForm(site_id=plan.site_id) if planner else None
    errors: dict[int, object] = {}
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "add" and planner:
                add_form = TaskForm(request.POST, site_id=plan.site_id)
                if add_form.is_valid():
                    services.relationship_task_add(plan=plan, actor=request.user, **add_form.cleaned_data)
                    messages.success(request, _("Task added."))
                    return redirect(plan)
            elif step in ("done", "cancel"):
                task = get_object_or_404(plan.tasks.all(), pk=request.POST.get("task"))
                form = (TaskDoneForm if step == "done" else TaskCancelForm)(request.POST)
                errors[task.pk] = form
                if form.is_valid():
                    if step == "done":
                        services.relationship_task_record(task=task, actor=request.user, **form.cleaned_data)
                    else:
                        services.relationship_task_cancel(task=task, actor=request.user, **form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect(plan)
        except DomainError as err:
            messages.error(request, err.message)
    tasks = list(plan.tasks.select_related("zone", "done_by__staff").order_by("zone__name", "due_date", "pk"))
    for t in tasks:
        t.can_record = can_record_relationship_task(request.user, t)
        t.form = errors.get(t.pk) or TaskDoneForm()
    next_month = (plan.month.replace(day=28) + timedelta(days=4)).replace(day=1)
    zones = selectors.relationship_completion(site_ids=[plan.site_id], start=plan.month, end=next_month)
    return render(request, "callbacks/relationship_plan.html", {
        "plan": plan, "tasks": tasks, "zones": zones, "add_form": add_form, "planner": planner,
        "kinds": dict(RelationshipTask.Kind.choices)}, status=422 if request.method == "POST" else 200)
