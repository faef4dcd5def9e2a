"""Issue 13.11: a lost database connection is a short outage, not a server error.

A terminated PostgreSQL backend (`pg_terminate_backend`, a failover, a restart) or a lock that
timed out surfaces as `OperationalError` / `InterfaceError`. The request gets a 503 page in the
user's language saying to try again, with `Retry-After`; the broken connection is dropped so the
next request of this process opens a fresh one. The error is still logged.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django import db
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
TRANSIENT = (db.OperationalError, db.InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    for conn in db.connections.all(initialized_only=True):
        try:
            conn.close_if_unusable_or_obsolete()
            if conn.in_atomic_block or conn.errors_occurred:
                conn.close()
        except Exception:
            log.debug("closing a lost connection failed", exc_info=True)
    response = HttpResponse(render_to_string("core/unavailable.html", {"retry": RETRY_AFTER_SECONDS}),
                            status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailable:
    """Middleware: a view that lost its database connection answers 503 "try again"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TRANSIENT):
            log.error("database unavailable: %s %s", request.method, request.path, exc_info=exception)
            return unavailable_response(request)
        return None


def server_error_or_unavailable(request: HttpRequest) -> HttpResponse:
    """handler500: the same 503 when the connection was lost outside a view (in a middleware)."""
    if isinstance(sys.exc_info()[1], TRANSIENT):
        return unavailable_response(request)
    return server_error(request)
