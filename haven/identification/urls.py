from haven.identification.views import decisions, indicator_sets, screening

app_name = "identification"

urlpatterns = [*indicator_sets.urlpatterns, *screening.urlpatterns, *decisions.urlpatterns]
