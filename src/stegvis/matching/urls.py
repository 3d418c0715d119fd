from django.urls import path

from stegvis.matching import views

app_name = "matching"

urlpatterns = [
    path("matchning/", views.run, name="run"),
    path("matchning/forslag/<int:pk>/", views.decide, name="decide"),
]
