from django.urls import path
from django.views.generic import RedirectView

from haven.cases.views import cases as views
from haven.cases.views import interviews, sharing

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="new"),
    # The case page is routed from the web app (web:case_detail, the same path, matched
    # first). This name stays only for haven/referrals/notify.py, edited elsewhere at
    # the moment; it reverses to the same path. Remove it once notify.py links to
    # web:case_detail.
    path(
        "<uuid:case_id>/",
        RedirectView.as_view(pattern_name="web:case_detail", permanent=False),
        name="detail",
    ),
    path("<uuid:case_id>/transition/", views.case_transition, name="transition"),
    path("<uuid:case_id>/access-report/", views.access_report_detail, name="access_report"),
    *sharing.urlpatterns,
    *interviews.urlpatterns,
]
