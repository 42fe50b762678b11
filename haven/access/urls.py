from django.urls import include, path

from haven.access import views
from haven.access.views import break_glass as break_glass_views

app_name = "access"

# Agreements under /sharing/; break-glass pages under /assistance/break-glass/, the
# paths they always had. Included at the root by haven/urls.py.
urlpatterns = [
    path("sharing/", include(views.urlpatterns)),
    path("assistance/", include(break_glass_views.urlpatterns)),
]
