from django.urls import path

from haven.linkage import views

app_name = "linkage"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("tell/", views.tell, name="tell"),
]
