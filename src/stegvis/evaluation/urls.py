from django.urls import path

from stegvis.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("insatser/<str:code>/effekt/", views.effect, name="effect"),
    path("insatser/<str:code>/effekt.<slug:fmt>", views.effect_download, name="download"),
    path("insatser/<str:code>/effekt/underlag.csv", views.effect_extract, name="extract"),
    path("effekt/jamforelsegrupper/", views.cohorts, name="cohorts"),
    path(
        "effekt/jamforelsegrupper/anvisade/",
        views.cohort_from_referrals,
        name="cohort_from_referrals",
    ),
    path("effekt/bistand/", views.benefit_record, name="benefit"),
]
