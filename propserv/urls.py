from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("healthz/web", core_views.healthz_web, name="healthz_web"),
    path("admin/", admin.site.urls),
    path("core/", include("core.urls")),
    path("estates/", include("estates.urls")),
    path("tickets/", include("tickets.urls")),
    path("reception/", include("reception.urls")),
    path("complaints/", include("complaints.urls")),
    path("callbacks/", include("callbacks.urls")),
    path("surveys/", include("surveys.urls")),
    path("fees/", include("fees.urls")),
    path("keys/", include("keys.urls")),
    path("renovation/", include("renovation.urls")),
    path("inspections/", include("inspections.urls")),
    path("handover/", include("handover.urls")),
    path("suggestions/", include("suggestions.urls")),
    path("emergencies/", include("emergencies.urls")),
    path("meetings/", include("meetings.urls")),
    path("reports/", include("reports.urls")),
    path("portal/", include("portal.urls")),
]

if settings.DEBUG:
    urlpatterns += []

handler500 = "core.unavailable.server_error_or_unavailable"  # issue 13.11: lost DB connection → 503
