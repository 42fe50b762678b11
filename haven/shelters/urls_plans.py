"""Group placement plans' pages, mounted at /shelters/ by haven/urls.py."""

from haven.shelters.views.plans import urlpatterns

app_name = "shelters_plans"

__all__ = ["app_name", "urlpatterns"]
