from django.urls import path

from haven.statistics import views_exchange as views

app_name = "statistics_exchange"

urlpatterns = [
    path("exchange/", views.exchange_home, name="home"),
    path("exchange/htcds/export/", views.htcds_export, name="htcds_export"),
    path("exchange/htcds/import/", views.htcds_import, name="htcds_import"),
    path("exchange/ctdc/", views.ctdc_export, name="ctdc_export"),
    path("exchange/regional/export/", views.regional_export, name="regional_export"),
    path("exchange/regional/map.csv", views.regional_map_csv, name="regional_map_csv"),
    path("exchange/regional/import/", views.release_import, name="release_import"),
]
