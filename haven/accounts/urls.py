from django.urls import path

from haven.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.user_login, name="login"),
    path("mfa/", views.mfa_verify, name="mfa"),
    path("logout/", views.user_logout, name="logout"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:user_id>/tokens/", views.token_list, name="member_token_list"),
    path(
        "members/<int:user_id>/tokens/revoke/",
        views.tokens_revoke_all,
        name="member_tokens_revoke_all",
    ),
]
