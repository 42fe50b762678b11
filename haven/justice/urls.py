from haven.justice import views, views_parties, views_remedies

app_name = "justice"

urlpatterns = [*views.urlpatterns, *views_remedies.urlpatterns, *views_parties.urlpatterns]
