from haven.access import views

app_name = "access"

urlpatterns = [*views.urlpatterns]
