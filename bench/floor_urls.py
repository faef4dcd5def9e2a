"""The request floor (issue 21.2): the project's URLs plus one trivial logged-in page, `/bench/floor/`,
that runs every middleware, the session and the user and renders nothing. `bench tickets` and
`bench reports` time it and give the list, detail and dashboard as ratios to it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


@login_required
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), path("", include("propserv.urls"))]
