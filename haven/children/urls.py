from haven.children import views

app_name = "children"

urlpatterns = [*views.urlpatterns]
