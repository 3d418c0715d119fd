from django.urls import path

from stegvis.security import views

app_name = "security"

urlpatterns = [
    path("", views.enrol, name="enrol"),
    path("verifiera/", views.verify, name="verify"),
    path("reservkoder/", views.recovery_codes, name="recovery_codes"),
]
