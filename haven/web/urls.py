from django.urls import path

from haven.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    # The case page and its narrative form, composed from the apps' parts (under /cases/).
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/narrative/", views.narrative_append, name="narrative_add"),
    path("cases/<uuid:case_id>/person-report/", views.person_report_detail, name="person_report"),
]
