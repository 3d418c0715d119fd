from django.urls import path

from stegvis.imports import views

app_name = "imports"

urlpatterns = [
    path("import/", views.index, name="index"),
    path("import/<str:kind>/ny/", views.upload, name="upload"),
    path("import/<str:kind>/mall.csv", views.template, name="template"),
    path("import/jobb/<int:pk>/", views.job, name="job"),
]
