from haven.assistance.views import assessments, permits, plans, reflection

app_name = "assistance"

urlpatterns = [
    *reflection.urlpatterns,
    *permits.urlpatterns,
    *assessments.urlpatterns,
    *plans.urlpatterns,
]
