from stegvis.api import interventions, participants, reports
from stegvis.api.base import api

api.add_router("/", interventions.router)
api.add_router("/", participants.router)
api.add_router("/", reports.router)

urlpatterns = api.urls
