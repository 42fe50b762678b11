from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from haven.accounts import views as account_views
from haven.referrals.views import desk as desk_views
from haven.web import health

urlpatterns = [
    path("", include("haven.web.urls")),
    path("accounts/", include("haven.accounts.urls")),
    path("cases/", include("haven.cases.urls")),
    path("", include("haven.deadlines.urls")),
    path("identification/", include("haven.identification.urls")),
    path("assistance/", include("haven.assistance.urls")),
    path("", include("haven.access.urls")),  # /sharing/ and /assistance/break-glass/
    path("children/", include("haven.children.urls")),
    path("justice/", include("haven.justice.urls")),
    path("referrals/", include("haven.referrals.urls")),
    path("shelters/", include("haven.shelters.urls_placements")),
    path("linkage/", include("haven.linkage.urls")),
    path("statistics/", include("haven.statistics.urls_releases")),
    path("statistics/", include("haven.statistics.urls_exchange")),
    path("statistics/", include("haven.statistics.urls")),
    path("shelters/", include("haven.shelters.urls_places")),
    path("shelters/", include("haven.shelters.urls_plans")),
    path("returns/", include("haven.returns.urls")),
    # The public "report a concern" page: no sign-in (issue 6, CBSS 2014 P1).
    path("report/", include((desk_views.report_urlpatterns, "report"))),
    path("api/v1/", include("haven.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The language switch (Django's set_language, keeping a signed-in user's choice).
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    # The admin site signs in through Haven's own page (lockout, rate limit, MFA).
    path("admin/login/", account_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Probes (answered first by health.HealthProbeMiddleware; routed here too, so they
    # resolve like any other page).
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
]

# Under /api/ an unmatched path answers the API's JSON error body, not a page.
handler404 = "haven.lib.api.not_found"
