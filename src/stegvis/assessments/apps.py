from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "stegvis.assessments"
    label = "assessments"
    verbose_name = "Kartläggning och stegförflyttning"

    def ready(self):
        # Registers the dashboard panel, the participant-page section, the timeline provider,
        # the register-extract section and the anonymise hook.
        from stegvis.assessments import dashboard, integration  # noqa: F401
