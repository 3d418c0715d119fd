from django.urls import path

from stegvis.surveys import public

app_name = "survey_links"

urlpatterns = [
    path("<str:token>/", public.answer, name="answer"),
]
