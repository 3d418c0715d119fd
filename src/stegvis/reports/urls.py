from django.urls import path

from stegvis.reports import views

app_name = "reports"

urlpatterns = [
    path("rapporter/", views.index, name="index"),
    path("rapporter/paket.<slug:fmt>", views.package, name="package"),
    path("rapporter/sus-export.csv", views.sus_export, name="sus_export"),
    path("rapporter/installningar/", views.settings_update, name="settings"),
    path("rapporter/<slug:name>/", views.detail, name="detail"),
    path("rapporter/<slug:name>.<slug:fmt>", views.download, name="download"),
]
