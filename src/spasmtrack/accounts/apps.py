from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spasmtrack.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from spasmtrack.accounts import signals

        user_logged_in.connect(signals.on_login, dispatch_uid="audit_signin")
        user_login_failed.connect(signals.on_login_failed, dispatch_uid="audit_signin_failed")
