from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "stegvis.knowledge"
    label = "knowledge"
    verbose_name = "Kunskapsbank"

    def ready(self):
        # Registers the methods report with the report machinery and seeds the default
        # methods of every new federation.
        from stegvis.knowledge import report, signals  # noqa: F401
