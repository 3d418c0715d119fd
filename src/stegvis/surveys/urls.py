from django.urls import path

from stegvis.surveys import editor, views

app_name = "surveys"

urlpatterns = [
    path("enkater/", views.index, name="index"),
    path("enkater/<slug:code>/resultat/", views.result, name="results"),
    path("enkater/<slug:code>/resultat.<slug:fmt>", views.download, name="download"),
    path("enkater/<slug:code>/lank/", views.group_link, name="group_link"),
    path("enkater/<slug:code>/andra/", editor.draft_start, name="draft_start"),
    path("enkater/<slug:code>/utkast/", editor.draft, name="draft"),
    path("enkater/<slug:code>/utkast/fragor/", editor.question_add, name="question_add"),
    path(
        "enkater/<slug:code>/utkast/fragor/<slug:key>/",
        editor.question_change,
        name="question_change",
    ),
    path("enkater/<slug:code>/utkast/publicera/", editor.draft_publish, name="draft_publish"),
    path("enkater/<slug:code>/utkast/ta-bort/", editor.draft_delete, name="draft_delete"),
    path("deltagare/<int:pk>/enkatlank/", views.personal_link, name="personal_link"),
    path("deltagare/<int:pk>/egen-sida/", views.page_link, name="page_link"),
]
