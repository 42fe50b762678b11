from django.urls import path

from haven.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.user_login, name="login"),
    path("mfa/", views.mfa_verify, name="mfa"),
    path("logout/", views.user_logout, name="logout"),
]
