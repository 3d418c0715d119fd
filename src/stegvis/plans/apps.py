from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "stegvis.plans"
    label = "plans"
    verbose_name = "Planer och möten"

    def ready(self):
        # Registers the dashboard panel, the participant-page section, the timeline provider,
        # the register-extract section and the anonymise hook.
        from stegvis.plans import dashboard, integration  # noqa: F401
