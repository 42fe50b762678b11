from haven.justice import views, views_remedies

app_name = "justice"

urlpatterns = [*views.urlpatterns, *views_remedies.urlpatterns]
