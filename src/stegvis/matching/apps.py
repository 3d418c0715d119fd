from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "stegvis.matching"
    label = "matching"
    verbose_name = "Matchning"
