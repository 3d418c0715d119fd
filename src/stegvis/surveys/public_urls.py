from django.urls import path

from stegvis.surveys import public

app_name = "survey_links"

urlpatterns = [
    path("sida/<str:token>/", public.own_page, name="own_page"),
    path("<str:token>/", public.answer, name="answer"),
]
