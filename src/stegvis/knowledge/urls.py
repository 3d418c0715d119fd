from django.urls import path

from stegvis.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("metoder/", views.method_list, name="methods"),
    path("metoder/ny/", views.method_create, name="method_create"),
    path("metoder/<str:code>/", views.method_detail, name="method"),
    path("goda-exempel/", views.good_example_list, name="good_examples"),
    path("styrning/", views.steering_dashboard, name="steering"),
    path("insatser/<str:code>/start/", views.checklist, name="checklist"),
    path("insatser/<str:code>/metoder/", views.intervention_methods, name="intervention_methods"),
    path("insatser/<str:code>/gott-exempel/", views.good_example, name="good_example"),
]
