from django.urls import path

from haven.statistics import views, views_dashboards

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_home, name="home"),
    path("eurostat.csv", views.eurostat_csv, name="eurostat_csv"),
    path("eurostat.xlsx", views.eurostat_xlsx, name="eurostat_xlsx"),
    path("trends.csv", views.trends_csv, name="trends_csv"),
    path("backlog/", views.backlog, name="backlog"),
    path("backlog.csv", views.backlog_csv, name="backlog_csv"),
    path("deadlines/", views_dashboards.deadlines, name="deadlines"),
    path("deadlines.csv", views_dashboards.deadlines_csv, name="deadlines_csv"),
    path("referrals/", views_dashboards.referrals, name="referrals"),
    path("referrals.csv", views_dashboards.referrals_csv, name="referrals_csv"),
    path("regions/", views_dashboards.regions, name="regions"),
    path("regions.csv", views_dashboards.regions_csv, name="regions_csv"),
    path("accommodation/", views_dashboards.accommodation, name="accommodation"),
    path("perpetrators/", views_dashboards.perpetrators, name="perpetrators"),
    path("perpetrators.csv", views_dashboards.perpetrators_csv, name="perpetrators_csv"),
    path("accommodation.csv", views_dashboards.accommodation_csv, name="accommodation_csv"),
    path("programmes/", views_dashboards.programmes, name="programmes"),
    path("programmes.csv", views_dashboards.programmes_csv, name="programmes_csv"),
    path("report/<int:year>.pdf", views_dashboards.annual_report, name="report"),
]
