from django.urls import path

from stegvis.assessments import views

app_name = "assessments"

urlpatterns = [
    path("deltaganden/<int:enrolment_pk>/kartlaggning/", views.assessment_index, name="index"),
    path("deltaganden/<int:enrolment_pk>/kartlaggning/ny/", views.assessment_new, name="new"),
    path("kartlaggningar/<int:pk>/", views.assessment_detail, name="detail"),
    path("deltaganden/<int:enrolment_pk>/stegforflyttning/", views.progress, name="progress"),
    path("extra-stod/", views.priority_list, name="priority_list"),
    path("stegforflyttning/", views.distance, name="distance"),
    path("installningar/kartlaggning/", views.settings_index, name="settings"),
    path("installningar/varningsflaggor/", views.risk_flags, name="risk_flags"),
    path("installningar/skattningsomraden/", views.dimensions, name="dimensions"),
    path("installningar/intressen/", views.interests, name="interests"),
]
