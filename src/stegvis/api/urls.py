from stegvis.api import activities, interventions, participants, reports
from stegvis.api.base import api

api.add_router("/", interventions.router)
api.add_router("/", participants.router)
api.add_router("/", reports.router)
api.add_router("/", activities.router)

urlpatterns = api.urls
