from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "stegvis.participants"
    label = "participants"
    verbose_name = "Deltagare"

    def ready(self):
        from stegvis.participants import dashboard  # noqa: F401  (registers its panel)
