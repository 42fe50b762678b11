from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("", include("haven.web.urls")),
    path("accounts/", include("haven.accounts.urls")),
    path("cases/", include("haven.cases.urls")),
    path("identification/", include("haven.identification.urls")),
    path("assistance/", include("haven.assistance.urls")),
    path("sharing/", include("haven.access.urls")),
    path("children/", include("haven.children.urls")),
    path("justice/", include("haven.justice.urls")),
    path("referrals/", include("haven.referrals.urls")),
    path("api/v1/", include("haven.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
