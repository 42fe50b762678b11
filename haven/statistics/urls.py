from django.urls import path

from haven.statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_home, name="home"),
    path("eurostat.csv", views.eurostat_csv, name="eurostat_csv"),
    path("eurostat.xlsx", views.eurostat_xlsx, name="eurostat_xlsx"),
    path("trends.csv", views.trends_csv, name="trends_csv"),
    path("backlog/", views.backlog, name="backlog"),
    path("backlog.csv", views.backlog_csv, name="backlog_csv"),
]
