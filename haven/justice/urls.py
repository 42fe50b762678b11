from haven.justice import views, views_parties

app_name = "justice"

urlpatterns = [*views.urlpatterns, *views_parties.urlpatterns]
