from django.urls import path

from haven.cases.views import cases as views
from haven.cases.views import drafts, erasure, interviews, sharing

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="new"),
    # The case page itself (web:case_detail, /cases/<id>/) is composed by the web app.
    path("<uuid:case_id>/transition/", views.case_transition, name="transition"),
    path("<uuid:case_id>/access-report/", views.access_report_detail, name="access_report"),
    *sharing.urlpatterns,
    *interviews.urlpatterns,
    *drafts.urlpatterns,
    *erasure.urlpatterns,
]
