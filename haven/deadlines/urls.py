from haven.deadlines import views

app_name = "deadlines"

urlpatterns = views.urlpatterns
