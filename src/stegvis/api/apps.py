from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "stegvis.api"
    label = "api"
    verbose_name = "API"
