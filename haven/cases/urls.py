from django.urls import path

from haven.cases.views import cases as views
from haven.cases.views import interviews, person_report, sharing

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="new"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/transition/", views.case_transition, name="transition"),
    path("<uuid:case_id>/narrative/", views.narrative_append, name="narrative_add"),
    path("<uuid:case_id>/access-report/", views.access_report_detail, name="access_report"),
    *sharing.urlpatterns,
    *interviews.urlpatterns,
    *person_report.urlpatterns,
]
