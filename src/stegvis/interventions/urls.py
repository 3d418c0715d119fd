from django.urls import path

from stegvis.interventions import views

app_name = "interventions"

urlpatterns = [
    path("insatser/", views.intervention_list, name="list"),
    path("insatser/<str:code>/", views.intervention_detail, name="detail"),
]
