from django.urls import path

from stegvis.participants import views

app_name = "participants"

urlpatterns = [
    path("deltagare/", views.caseload, name="caseload"),
    path("deltagare/ny/", views.register, name="register"),
    path("deltagare/<int:pk>/", views.detail, name="detail"),
    path(
        "deltagare/<int:pk>/anvisning/<int:intervention_pk>/",
        views.referral_new,
        name="referral_new",
    ),
    path("deltagare/<int:pk>/utdrag.<str:fmt>", views.register_extract, name="extract"),
    path("anvisningar/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("samtycken/<int:pk>/aterkalla/", views.consent_withdraw, name="consent_withdraw"),
    path("deltagare/<int:pk>/samtycke/", views.consent_new, name="consent_new"),
    path("deltagare/<int:pk>/rattelse/", views.correct, name="correct"),
    path("rattelser/<int:pk>/", views.correction_decide, name="correction_decide"),
    path("registerutdrag/", views.subject_access, name="subject_access"),
    path("vantelista/", views.waitlist_index, name="waitlist_index"),
    path("insatser/<int:intervention_pk>/vantelista/", views.waitlist, name="waitlist"),
    path("deltaganden/<int:pk>/overlamning/", views.hand_over, name="hand_over"),
    path("deltaganden/<int:pk>/avslut/", views.exit_enrolment, name="exit"),
    path("deltaganden/<int:pk>/felregistrering/", views.mark_error, name="mark_error"),
    path("uppfoljningar/", views.followups, name="followups"),
    path("uppfoljningar/<int:pk>/", views.followup, name="followup"),
]
