from haven.justice import views

app_name = "justice"

urlpatterns = [*views.urlpatterns]
