from stegvis.api import interventions, participants
from stegvis.api.base import api

api.add_router("/", interventions.router)
api.add_router("/", participants.router)

urlpatterns = api.urls
