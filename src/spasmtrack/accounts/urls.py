from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from spasmtrack.accounts import views

app_name = "accounts"
urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", views.two_factor, name="two_factor"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<uuid:code>/revoke/", views.revoke_token, name="revoke_token"),
]
