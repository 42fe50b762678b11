from haven.assistance.views import deadlines, reflection

app_name = "assistance"

urlpatterns = [*deadlines.urlpatterns, *reflection.urlpatterns]
