from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "stegvis.imports"
    label = "imports"
    verbose_name = "Import"
