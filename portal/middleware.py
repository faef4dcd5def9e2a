"""Issue 22 / SPEC P-01: a resident login sees no staff page — every path outside the resident pages
is a 404 for it (the staff home sends it to its own pages)."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.permissions import is_resident

RESIDENT_PREFIXES = ("/portal/", "/static/", "/i18n/", "/logout/")


class ResidentsStayInPortal:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_resident(request.user) and not request.path.startswith(RESIDENT_PREFIXES):
            if request.path in ("/", "/login/"):
                return redirect("portal:home")
            raise Http404
        return self.get_response(request)
