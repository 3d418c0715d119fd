from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "stegvis.evaluation"
    label = "evaluation"
    verbose_name = "Effektutvärdering"

    def ready(self):
        from stegvis.evaluation import (
            importing,  # noqa: F401  (registers its import kinds)
            method_results,  # noqa: F401  (knowledge bank figure)
        )
