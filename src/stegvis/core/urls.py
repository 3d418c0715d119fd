from django.urls import path

from stegvis.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("katalog/", views.directory, name="directory"),
    path("organisation/", views.organisation, name="organisation"),
    path("logg/", views.audit_log, name="audit_log"),
    path("api-nycklar/", views.api_tokens, name="api_tokens"),
    path("export/", views.export_all, name="export"),
]
