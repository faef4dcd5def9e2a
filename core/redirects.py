"""Where to go after a POST: a `next` given by the page, only if it stays on this site (issue 13.6).

Every `next` in the code goes through `safe_next`; Django's `url_has_allowed_host_and_scheme` refuses
other hosts, scheme-relative `//evil`, `/\\evil` (read by browsers as `//evil`) and javascript: URLs.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_url(request: HttpRequest, url: str | None) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure())


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The page's `next` (POST, else GET) when it stays on this site, otherwise `fallback`."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    return nxt if is_safe_url(request, nxt) else fallback
