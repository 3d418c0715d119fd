from django.urls import path

from stegvis.activities import views

app_name = "activities"

urlpatterns = [
    path("aktiviteter/", views.activity_list, name="list"),
    path("aktiviteter/ny/", views.activity_new, name="new"),
    path("aktiviteter/<int:pk>/", views.activity_detail, name="detail"),
    path("aktiviteter/<int:pk>/andra/", views.activity_edit, name="edit"),
    path("aktiviteter/<int:pk>/godkann/", views.activity_approve, name="approve"),
    path("aktiviteter/<int:pk>/kvalitet/", views.activity_quality, name="quality"),
    path("aktiviteter/<int:pk>/skicka/", views.activity_submit, name="submit"),
    path("aktiviteter/<int:pk>/stall-in/", views.activity_cancel, name="cancel"),
    path("aktiviteter/<int:pk>/steg/<int:step>/", views.step_update, name="step"),
    path("aktiviteter/<int:pk>/tillfallen/", views.sessions_add, name="sessions_add"),
    path(
        "aktiviteter/<int:pk>/tillfallen/<int:session_pk>/installt/",
        views.session_cancel,
        name="session_cancel",
    ),
    path("aktiviteter/<int:pk>/kostnader/", views.cost_add, name="cost_add"),
    path(
        "aktiviteter/<int:pk>/kostnader/<int:cost_pk>/ta-bort/",
        views.cost_remove,
        name="cost_remove",
    ),
    path("aktiviteter/<int:pk>/platser/", views.place_add, name="place_add"),
    path("aktiviteter/<int:pk>/platser/<int:place_pk>/avsluta/", views.place_end, name="place_end"),
    path("aktiviteter/<int:pk>/ersattning/", views.compensation_compute, name="compute"),
    path("narvaro/", views.attendance_home, name="attendance_home"),
    path("narvaro/<int:session_pk>/", views.attendance_sheet, name="attendance_sheet"),
    path("narvaro/<int:session_pk>/synk/", views.attendance_sync, name="attendance_sync"),
    path("narvaro/sw.js", views.attendance_sw, name="attendance_sw"),
    path("narvaro/manifest.webmanifest", views.attendance_manifest, name="attendance_manifest"),
    path(
        "narvaro/<int:session_pk>/<int:place_pk>/",
        views.attendance_toggle,
        name="attendance_toggle",
    ),
    path("ersattningar/", views.compensation_list, name="compensations"),
    path("ersattningar/<int:pk>/", views.compensation_detail, name="compensation_detail"),
    path("ersattningar/<int:pk>/beslut/", views.compensation_decide, name="compensation_decide"),
    path("ersattningar/<int:pk>/rattelse/", views.compensation_correct, name="correct"),
    path(
        "ersattningar/<int:pk>/rattelse/<int:correction_pk>/reglerad/",
        views.correction_settle,
        name="correction_settle",
    ),
    path("ersattningar/utbetalningar.<str:fmt>", views.payout_report, name="payout_report"),
    path("platser/", views.placement_list, name="placements"),
    path("mentorer/", views.mentor_list, name="mentors"),
    path("mentorer/para/", views.mentor_pair, name="mentor_pair"),
    path("aktiviteter/<int:pk>/moten/", views.meeting_log, name="meeting_log"),
    path("platser/<int:pk>/", views.placement_detail, name="placement_detail"),
]
