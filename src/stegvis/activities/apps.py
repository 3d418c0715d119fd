from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "stegvis.activities"
    label = "activities"
    verbose_name = "Aktiviteter"

    def ready(self):
        from stegvis.activities import dashboard, registry, timeline  # noqa: F401  (registers them)
