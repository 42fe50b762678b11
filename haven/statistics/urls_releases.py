from django.urls import path

from haven.statistics import views_releases as views

app_name = "statistics_releases"

urlpatterns = [
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<uuid:release_id>/", views.release_detail, name="release_detail"),
    path("releases/<uuid:release_id>/csv/", views.release_csv, name="release_csv"),
]
