from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "stegvis.reports"
    label = "reports"
    verbose_name = "Rapporter"

    def ready(self):
        from stegvis.reports import dashboard  # noqa: F401  (registers its panel)
