from haven.assistance.views import assessments, permits, plans, reflection, rights

app_name = "assistance"

urlpatterns = [
    *reflection.urlpatterns,
    *permits.urlpatterns,
    *assessments.urlpatterns,
    *plans.urlpatterns,
    *rights.urlpatterns,
]
