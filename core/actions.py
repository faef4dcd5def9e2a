"""Acting on a record: one declaration per step (STYLE §3 "Acting on a record", issue 14.1).

A step a user can take on a record (dispatch an order, confirm a complaint, cancel a callback, store a
key) is one `Action` in its app's `actions.py`, added to that record's `Registry`:

    REGISTRY = Registry("callbacks", get_object=_visible)
    REGISTRY.add(Action(
        "cancel", _("Cancel callback"), f.ReasonForm, transition="cancel", style="outline-danger",
        allowed=lambda u, cb: perm.can_manage_callbacks(u, cb.site_id),
        run=lambda cb, u, d: svc.callback_cancel(callback=cb, actor=u, **d)), url_name="callbacks:cancel")

- `allowed(user, obj)` is the permission predicate of the app's `permissions.py` (plus the record's
  state when no FSM transition says it); `transition` names the django-fsm transition the step drives,
  so the step shows only while `can_proceed` holds. The same predicate is asked by the page (which
  buttons show), by the generic view (before running) and by the service itself (which refuses with
  `PermissionDenied`), so no step can be taken past its rule by any door.
- `run(obj, user, data)` calls the one service; `data` is the form's cleaned data (merged with
  `form.service_kwargs()` when the form shapes its data for the service).
- Optional: `error_fields` (a DomainError code → the field its message is shown at), `explain(user, obj)`
  (a check whose DomainError says why the predicate refuses, shown instead of "not available"), `message`
  as a function `(obj, data, result)`, `next(request, obj, result)` (where to go after success).
- `action_post_view` / `action_form_view` are the generic views (form → service → message → redirect;
  a `DomainError` becomes a form error and keeps what was typed; one-time submission keys via
  `core.once.submit_once`; the record's version travels in the form as before).
- `core/partials/_action_cards.html` renders the available steps; `{% can_act "app" obj "key" %}`
  lets a template ask the same predicate.

A step on a CHILD ROW of a record (a violation or a change of a renovation, a gate entry) is declared the
same way in its own registry, whose records are the child rows:

    VIOLATION = Registry("renovation.violation", get_object=_visible_violation,
                         parent_pk=lambda v: v.renovation_id, page_url=lambda v: v.renovation.get_absolute_url())

- `get_object(request, child_pk)` finds the child as the user may see it; `parent_pk(child)` is the record's
  pk, the first URL argument: the step's URL is `<int:pk>/…/<int:child>/…` (`pk` the record, `child` the
  row) and the generic views refuse (404) a child that is not the record's.
- `page_url(obj)` names the page that shows the steps (default `obj.get_absolute_url()`); a step goes
  there after success. It also serves a record whose steps live on another record's page (a payment's
  reversal on the unit's account, a month's appraisal lock on the appraisal page).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from core.errors import DomainError
from core.once import OnceFormMixin, submit_once

NOT_AVAILABLE = gettext_lazy("This action is not available to you now.")


class ConfirmForm(OnceFormMixin):
    """A step with nothing to type (approve, close): only its one-time submission key."""


def refuse_unless(allowed: bool) -> None:
    """In a service: refuse a user the action's predicate refuses (issue 14.2)."""
    if not allowed:
        raise PermissionDenied(str(NOT_AVAILABLE))


@dataclass(frozen=True)
class Action:
    key: str
    label: Any
    form: type
    allowed: Callable[[Any, Any], bool]  # the permissions.py predicate (+ state when no transition says it)
    run: Callable[[Any, Any, dict], Any]  # (obj, user, data) → the one service call
    style: str = "primary"  # Bootstrap colour of the button
    transition: str | None = None  # django-fsm transition method this step drives
    inline: bool = False  # shown as an open form; otherwise folded (and, if the registry is lazy, fetched)
    form_kwargs: Callable[[Any, Any], dict] | None = None  # (obj, user) → extra form arguments
    message: Any = None  # success message ("Saved." when None), or (obj, data, result) → the message
    include: str | None = None  # extra template included in the form (e.g. a signature pad)
    next: Callable[[HttpRequest, Any, Any], Any] | None = None  # (request, obj, result) → where to go after success
    error_fields: dict[str, str] = field(default_factory=dict)  # DomainError code → the form field it is shown at
    explain: Callable[[Any, Any], None] | None = None  # (user, obj) → raises the DomainError saying why it is refused

    def available(self, user: Any, obj: Any) -> bool:
        if self.transition and not can_proceed(getattr(obj, self.transition)):
            return False
        return bool(self.allowed(user, obj))

    def data(self, form: Any) -> dict:
        d = dict(form.cleaned_data)
        if hasattr(form, "service_kwargs"):
            d.update(form.service_kwargs())
        return d

    def refusal(self, user: Any, obj: Any) -> str:
        """Why the step is refused: the `explain` check's own message (e.g. "only the security head may give
        this approval"), else the general "not available"."""
        if self.explain is not None:
            try:
                self.explain(user, obj)
            except DomainError as err:
                return err.message
        return str(NOT_AVAILABLE)

    def done_message(self, obj: Any, data: dict, result: Any) -> str | None:
        """The success message, None when the action names none."""
        if callable(self.message):
            return str(self.message(obj, data, result))
        return str(self.message) if self.message else None


@dataclass
class Card:
    action: Action
    form: Any
    open: bool  # shown open (inline, or the form that just failed)
    lazy: bool  # the form is fetched by htmx when the card is opened
    failed: bool

    def __iter__(self):  # (key, form, label, lazy), the shape pages and tests unpacked before issue 14
        return iter((self.action.key, self.form, self.action.label, self.lazy))


REGISTRIES: dict[str, Registry] = {}


@dataclass
class Registry:
    """The steps of one kind of record, in the order the page shows them."""

    name: str
    get_object: Callable[[HttpRequest, int], Any]  # the record as this user may see it (404 otherwise)
    url_name: str = ""  # URL name taking (pk, key) that posts a step; an action may be mounted by its own name
    form_url_name: str = ""  # URL name taking (pk, key) that returns one folded form (htmx); "" → not lazy
    layout: str = "cards"  # "cards" (open forms + folded cards) or "folded" (every step a <details>)
    submit_testid: str = "do"
    prefix_forms: bool = False  # each form prefixed by its key (several forms of one class on a page)
    form_kwargs: Callable[[Any, Any], dict] | None = None  # arguments every form of this record gets
    error_status: Callable[[HttpRequest], int] = field(default=lambda request: 422)
    saved_message: Callable[[Action], str] | None = None  # the success message when the action has none
    parent_pk: Callable[[Any], int] | None = None  # child rows: (row) → the record's pk in `<pk>/…/<child>/…`
    page_url: Callable[[Any], str] | None = None  # the page showing the steps (default obj.get_absolute_url())
    actions: dict[str, Action] = field(default_factory=dict)
    own_urls: dict[str, str] = field(default_factory=dict)  # key → URL name taking (pk) only

    def __post_init__(self) -> None:
        REGISTRIES[self.name] = self

    def add(self, action: Action, *, url_name: str = "") -> Action:
        if action.key in self.actions:
            raise ValueError(f"{self.name}: action {action.key} declared twice")
        self.actions[action.key] = action
        if url_name:
            self.own_urls[action.key] = url_name
        return action

    def get(self, key: str) -> Action:
        try:
            return self.actions[key]
        except KeyError:
            raise Http404 from None

    def available(self, user: Any, obj: Any) -> list[Action]:
        return [a for a in self.actions.values() if a.available(user, obj)]

    def allowed(self, user: Any, obj: Any, key: str) -> bool:
        return self.get(key).available(user, obj)

    def make_form(self, action: Action, obj: Any, user: Any, data: Any = None, files: Any = None) -> Any:
        kwargs: dict = {}
        if self.form_kwargs:
            kwargs.update(self.form_kwargs(obj, user))
        if action.form_kwargs:
            extra = action.form_kwargs(obj, user)
            if "initial" in extra and "initial" in kwargs:
                extra = {**extra, "initial": {**kwargs["initial"], **extra["initial"]}}
            kwargs.update(extra)
        if self.prefix_forms:
            kwargs["prefix"] = action.key
        if data is not None:
            kwargs.pop("initial", None)
            return action.form(data, files, **kwargs)
        return action.form(**kwargs)

    def forms(self, user: Any, obj: Any, bound: dict | None = None) -> dict[str, Any]:
        """key → form of every available step (a just-failed bound form replaces its blank one)."""
        bound = bound or {}
        out = {a.key: bound.get(a.key) or self.make_form(a, obj, user) for a in self.available(user, obj)}
        for key, form in bound.items():  # a failed step stays on the page with its error
            out.setdefault(key, form)
        return out

    def cards(self, user: Any, obj: Any, bound: dict | None = None, inline: set[str] | None = None) -> list[Card]:
        """The steps the page shows. `inline` narrows which steps show open (e.g. per role)."""
        bound = bound or {}
        out = []
        shown = [a for a in self.actions.values() if a.key in bound or a.available(user, obj)]
        for a in shown:
            failed = a.key in bound
            is_inline = a.inline and (inline is None or a.key in inline)
            lazy = bool(self.form_url_name) and not is_inline and not failed
            form = bound[a.key] if failed else (None if lazy else self.make_form(a, obj, user))
            out.append(Card(a, form, open=is_inline or failed, lazy=lazy, failed=failed))
        return out

    def post_url(self, key: str) -> tuple[str, bool]:
        """(URL name, takes the key too)."""
        if key in self.own_urls:
            return self.own_urls[key], False
        return self.url_name, True

    def url_args(self, obj: Any) -> list[int]:
        """The record's URL arguments: `[pk]`, or `[record pk, child pk]` for a child row."""
        return [self.parent_pk(obj), obj.pk] if self.parent_pk else [obj.pk]

    def post_reverse(self, obj: Any, key: str) -> str:
        """The URL a step's form posts to."""
        name, with_key = self.post_url(key)
        return reverse(name, args=[*self.url_args(obj), key] if with_key else self.url_args(obj))

    def page_of(self, obj: Any) -> str:
        """The page that shows the record's steps (and where a step goes after success)."""
        return self.page_url(obj) if self.page_url else obj.get_absolute_url()

    def object_at(self, request: HttpRequest, pk: int, child: int | None = None) -> Any:
        """The record of a step's URL: `pk`, or the row `child` of the record `pk` (404 if it is another's)."""
        if child is None:
            return self.get_object(request, pk)
        obj = self.get_object(request, child)
        if self.parent_pk is None or self.parent_pk(obj) != pk:
            raise Http404
        return obj


def registry(name: str) -> Registry:
    """The registry of an app (its `actions` module is imported on first use)."""
    if name not in REGISTRIES:
        importlib.import_module(f"{name.split('.')[0]}.actions")
    return REGISTRIES[name]


PageRenderer = Callable[..., HttpResponse]  # (request, obj, bound=..., status=...) → the record's page


def run_action(request: HttpRequest, reg: Registry, obj: Any, key: str, page: PageRenderer) -> HttpResponse:
    """form → (predicate) → service → message → redirect; otherwise the page again with the form's error."""
    action = reg.get(key)
    form = reg.make_form(action, obj, request.user, data=request.POST, files=request.FILES)
    if not action.available(request.user, obj):
        form.is_valid()
        form.add_error(None, action.refusal(request.user, obj))
    elif form.is_valid():
        try:
            data = action.data(form)
            result = action.run(obj, request.user, data)
        except PermissionDenied:
            form.add_error(None, str(NOT_AVAILABLE))
        except DomainError as err:
            form.add_error(action.error_fields.get(err.code), err.message)
        else:
            messages.success(request, action.done_message(obj, data, result) or (
                reg.saved_message(action) if reg.saved_message else _("Saved.")))
            return redirect(action.next(request, obj, result) if action.next else reg.page_of(obj))
    fresh = reg.get_object(request, obj.pk)  # the page shows the record as it is now
    return page(request, fresh, bound={key: form}, status=reg.error_status(request))


def action_post_view(reg: Registry, page: PageRenderer, key: str | None = None) -> Callable:
    """The one view that runs a step: mounted as `<pk>/<action>/` or, with `key`, as the step's own URL
    (`<pk>/…/<child>/…` for a step on a child row, see `Registry.parent_pk`)."""

    @login_required
    @require_POST
    @submit_once  # issue 23.2: a step sent twice is done once
    def view(request: HttpRequest, pk: int, action: str | None = None, child: int | None = None) -> HttpResponse:
        obj = reg.object_at(request, pk, child)
        return run_action(request, reg, obj, key or action or "", page)

    view.__name__ = f"{reg.name.replace('.', '_')}_{key or 'action'}"
    return view


def action_form_view(reg: Registry, template: str = "core/partials/_action_form.html") -> Callable:
    """The form of one folded step, fetched by htmx when its card is opened."""

    @login_required
    def view(request: HttpRequest, pk: int, action: str, child: int | None = None) -> HttpResponse:
        obj = reg.object_at(request, pk, child)
        act = reg.get(action)
        if not act.available(request.user, obj):
            raise Http404
        card = Card(act, reg.make_form(act, obj, request.user), open=True, lazy=False, failed=False)
        return render(request, template, {"obj": obj, "card": card, "registry": reg})

    view.__name__ = f"{reg.name.replace('.', '_')}_action_form"
    return view
