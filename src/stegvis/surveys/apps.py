from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "stegvis.surveys"
    label = "surveys"
    verbose_name = "Enkäter och indikatorer"

    def ready(self):
        # Registers the participant-page section, the timeline provider, the register-extract
        # section and the anonymise hook.
        from stegvis.surveys import (
            integration,  # noqa: F401
            method_results,  # noqa: F401  (knowledge bank figure)
        )
