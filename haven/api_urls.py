"""Routes under /api/v1/: each app's api module, the same services as the pages."""

from django.urls import path

from haven.accounts import api as accounts_api
from haven.cases import api as cases_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.TokenView.as_view(), name="token"),
    *cases_api.urlpatterns,
]
