from django.urls import path

from stegvis.core import admin_views, views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("katalog/", views.directory, name="directory"),
    path("organisation/", views.organisation, name="organisation"),
    path("logg/", views.audit_log, name="audit_log"),
    path("logg/granskning/", views.log_review, name="log_review"),
    path("nodatkomst/", views.emergency_access, name="emergency_access"),
    path("api-nycklar/", views.api_tokens, name="api_tokens"),
    path("export/", views.export_all, name="export"),
    path("admin/medarbetare/", admin_views.members, name="members"),
    path("admin/medarbetare/ny/", admin_views.member_edit, name="member_new"),
    path("admin/medarbetare/<int:pk>/", admin_views.member_edit, name="member_edit"),
    path("admin/kodlistor/", admin_views.reference_codes, name="reference_codes"),
    path("organisation/<str:kind>/ny/", admin_views.organisation_edit, name="organisation_new"),
    path(
        "organisation/<str:kind>/<int:pk>/", admin_views.organisation_edit, name="organisation_edit"
    ),
]
