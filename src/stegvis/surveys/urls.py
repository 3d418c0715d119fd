from django.urls import path

from stegvis.surveys import views

app_name = "surveys"

urlpatterns = [
    path("enkater/", views.index, name="index"),
    path("enkater/<slug:code>/resultat/", views.result, name="results"),
    path("enkater/<slug:code>/resultat.<slug:fmt>", views.download, name="download"),
    path("enkater/<slug:code>/lank/", views.group_link, name="group_link"),
    path("deltagare/<int:pk>/enkatlank/", views.personal_link, name="personal_link"),
    path("deltagare/<int:pk>/egen-sida/", views.page_link, name="page_link"),
]
