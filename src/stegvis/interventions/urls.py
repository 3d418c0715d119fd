from django.urls import path

from stegvis.interventions import leadtime_views, referral_views, transfer_views, views

app_name = "interventions"

urlpatterns = [
    path("insatser/", views.intervention_list, name="list"),
    path("insatser/ny/", views.intervention_new, name="new"),
    path("insatser/<str:code>/", views.intervention_detail, name="detail"),
    path("insatser/<str:code>/andra/", views.intervention_edit, name="edit"),
    path("ledtider/", leadtime_views.lead_times, name="lead_times"),
    path("ledtider/mal/", leadtime_views.lead_time_target, name="lead_time_target"),
    path("overlamningar/", transfer_views.transfer_index, name="transfers"),
    path("overlamningar/<int:pk>/", transfer_views.transfer_detail, name="transfer_detail"),
    path(
        "deltaganden/<int:enrolment_pk>/byt-insats/",
        transfer_views.transfer_new,
        name="transfer_new",
    ),
    path("mina-anvisningar/", referral_views.sent_list, name="sent_list"),
    path("mina-anvisningar/ny/", referral_views.sent_new, name="sent_new"),
    path("mina-anvisningar/<int:pk>/", referral_views.sent_detail, name="sent_detail"),
]
