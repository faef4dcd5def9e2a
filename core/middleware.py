from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

# Paths reachable without a login: the login page itself, language switch, health check, static
# files, and the surveys' one-time links (SPEC S-03), which carry their own unguessable token.
PUBLIC_PREFIXES = ("/login/", "/i18n/", "/healthz", "/static/", "/surveys/r/", "/admin/login/",
                   # public status pages (QR, no personal data); the resident login and one-time links
                   "/renovation/p/", "/portal/p/")


class LoginRequiredEverywhere:
    """SPEC X-02: every page requires login, whatever a view forgot."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
