from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "stegvis.interventions"
    label = "interventions"
    verbose_name = "Insatser"
