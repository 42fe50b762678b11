from haven.assistance.views import break_glass, deadlines, permits, reflection

app_name = "assistance"

urlpatterns = [
    *deadlines.urlpatterns,
    *reflection.urlpatterns,
    *break_glass.urlpatterns,
    *permits.urlpatterns,
]
