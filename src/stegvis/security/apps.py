from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "stegvis.security"
    label = "security"
    verbose_name = "Säkerhet och drift"

    def ready(self):
        from django.db.backends.signals import connection_created

        from stegvis.security.files import owner_only_sqlite

        connection_created.connect(owner_only_sqlite, dispatch_uid="stegvis-owner-only-sqlite")

        from django.contrib.auth.signals import user_logged_in

        from stegvis.security.sso import record_login

        user_logged_in.connect(record_login, dispatch_uid="stegvis-sso-login")
