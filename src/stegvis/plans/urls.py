from django.urls import path

from stegvis.plans import views

app_name = "plans"

urlpatterns = [
    path("deltaganden/<int:enrolment_pk>/plan/", views.plan, name="plan"),
    path("deltaganden/<int:enrolment_pk>/plan/ny/", views.plan_new, name="plan_new"),
    path("deltaganden/<int:enrolment_pk>/moten/nytt/", views.meeting_new, name="meeting_new"),
    path("planer/<int:pk>/andra/", views.plan_edit, name="plan_edit"),
    path("planer/<int:pk>/mal/nytt/", views.goal_form, name="goal_new"),
    path("planer/<int:pk>/mal/<int:goal_pk>/", views.goal_form, name="goal_edit"),
    path("planer/<int:pk>/atgarder/ny/", views.action_form, name="action_new"),
    path("planer/<int:pk>/atgarder/<int:action_pk>/", views.action_form, name="action_edit"),
    path(
        "planer/<int:pk>/atgarder/<int:action_pk>/status/",
        views.action_status,
        name="action_status",
    ),
    path("planer/<int:pk>/historik/", views.plan_history, name="history"),
    path("planer/<int:pk>/plan.pdf", views.plan_download, name="pdf"),
    path("moten/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path("mina-uppfoljningar/", views.followups, name="followups"),
    path("installningar/planmallar/", views.templates, name="templates"),
    path("installningar/planmallar/ny/", views.template_form, name="template_new"),
    path("installningar/planmallar/<int:pk>/", views.template_form, name="template_edit"),
]
