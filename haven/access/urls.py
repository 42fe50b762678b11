from django.urls import include, path

from haven.access import views, views_break_glass

app_name = "access"

# Agreements under /sharing/; break-glass pages under /assistance/break-glass/, the
# paths they always had. Included at the root by haven/urls.py.
urlpatterns = [
    path("sharing/", include(views.urlpatterns)),
    path("assistance/", include(views_break_glass.urlpatterns)),
]
