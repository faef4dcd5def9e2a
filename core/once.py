"""Issue 23.2: a form sent twice is recorded once.

A double click, a second tab or a browser retrying a slow post sends the same form again. Every
create and step form carries a one-time submission key (`OnceFormMixin`, a hidden field filled when
the form is rendered); the view that handles it is wrapped in `submit_once`:

- the key is claimed (a `SubmissionKey` row, unique per user) in the same transaction as the
  work the view does, so the record and the claim commit or roll back together;
- the view succeeds (a redirect, or `submission_done(request, url)` for an htmx fragment) → the
  claim keeps the URL of the result;
- the view re-renders the form with an error → the claim is dropped with everything else, so
  the corrected form can be sent with the same key;
- a repeat finds the key claimed — at once, or after waiting for the first post's commit on the
  unique index — and is sent to the first result with "already recorded", never doing the work
  again and never a 500.

A post without a key (an old page, a script) is handled as before.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.models import SubmissionKey

FIELD = "submission_key"
KEEP_DAYS = 7


def new_key() -> str:
    return uuid.uuid4().hex


class OnceFormMixin(forms.Form):
    """The hidden one-time key of a create or step form, generated when the form is rendered."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial[FIELD] = new_key()

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):  # read by `submit_once` from the post, never by services
            self.cleaned_data.pop(FIELD, None)


def submission_done(request: HttpRequest, url: str) -> None:
    """A view that answers success with a page or fragment (not a redirect) names its result here."""
    request._submission_url = url  # type: ignore[attr-defined]


def _key_of(request: HttpRequest) -> str:
    """The posted key, also under a form prefix (`dispatch-submission_key`)."""
    for name in request.POST:
        if name == FIELD or name.endswith("-" + FIELD):
            key = (request.POST.get(name) or "").strip()
            return key if 0 < len(key) <= 64 else ""
    return ""


def already_recorded(request: HttpRequest, url: str) -> HttpResponse:
    """The answer to a repeat: the first result, with a message and a link to it."""
    url = url or request.META.get("HTTP_REFERER") or "/"
    messages.info(request, format_html('{} <a href="{}">{}</a>',
                                       _("Already recorded: this form was sent more than once and saved once."),
                                       url, _("Open the record")))
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _error_reported(request: HttpRequest) -> bool:
    """A view that redirects after a refusal says so with an error message: not a result to keep."""
    queued = getattr(messages.get_messages(request), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued)


def submit_once(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate a view that handles a create or step form: a repeated post does nothing twice."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = _key_of(request) if request.method == "POST" else ""
        if not key or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():  # waits for a concurrent first post of this key to end
                    claim = SubmissionKey.objects.create(user=request.user, key=key)
            except IntegrityError:
                claim = None
            if claim is None:
                url = SubmissionKey.objects.filter(user=request.user, key=key).values_list("url", flat=True).first()
                return already_recorded(request, url or "")
            response = view(request, *args, **kwargs)
            url = getattr(request, "_submission_url", "") or (
                response.get("Location", "") if 300 <= response.status_code < 400 else "")
            if url and not _error_reported(request):
                claim.url = url[:300]
                claim.save(update_fields=["url"])
            else:  # the form came back with an error: nothing was done, the key may be sent again
                claim.delete()
        return response

    return wrapper


def submission_keys_purge(*, now=None) -> int:
    """Keys older than a week are of no use (no browser retries that late)."""
    now = now or timezone.now()
    deleted, _rows = SubmissionKey.objects.filter(created_at__lt=now - timedelta(days=KEEP_DAYS)).delete()
    return deleted
