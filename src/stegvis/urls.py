from django.conf import settings
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from stegvis.api.urls import api as stegvis_api
from stegvis.core import views as core_views

# A database outage answers 503 in Swedish (JSON under /api/); other errors the 500 page.
handler500 = "stegvis.core.outage.server_error"

federation_patterns = [
    path("", include("stegvis.core.urls")),
    path("", include("stegvis.participants.urls")),
    path("", include("stegvis.activities.urls")),
    path("", include("stegvis.matching.urls")),
    path("", include("stegvis.imports.urls")),
    path("", include("stegvis.assessments.urls")),
    path("", include("stegvis.plans.urls")),
    path("", include("stegvis.interventions.urls")),
    path("", include("stegvis.reports.urls")),
    path("", include("stegvis.surveys.urls")),
    path("", include("stegvis.knowledge.urls")),
    path("", include("stegvis.evaluation.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("logga-in/", core_views.LoginView.as_view(), name="login"),
    path("logga-ut/", core_views.logout_view, name="logout"),
    path("konto/", core_views.account, name="account"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tvafaktor/", include("stegvis.security.urls")),
    path("tillganglighet/", core_views.accessibility, name="accessibility"),
    path(
        "favicon.ico",
        RedirectView.as_view(url=static("stegvis/img/favicon.ico"), permanent=True),
    ),
    path("api/v1/", stegvis_api.urls),
    # Answer links open without an account: the token decides the federation.
    path("s/", include("stegvis.surveys.public_urls")),
    path("f/<slug:federation_slug>/", include(federation_patterns)),
]
if settings.SSO_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
