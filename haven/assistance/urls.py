from haven.assistance.views import assessments, break_glass, permits, plans, reflection

app_name = "assistance"

urlpatterns = [
    *reflection.urlpatterns,
    *break_glass.urlpatterns,
    *permits.urlpatterns,
    *assessments.urlpatterns,
    *plans.urlpatterns,
]
