from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "stegvis.interventions"
    label = "interventions"
    verbose_name = "Insatser"

    def ready(self):
        # Registers the participant-page section, the timeline provider, the anonymise hook
        # and the dashboard panels.
        from stegvis.interventions import dashboard, integration  # noqa: F401
