from stegvis.api import (
    activities,
    assessments,
    compensations,
    interventions,
    participants,
    plans,
    reports,
    surveys,
)
from stegvis.api.base import api
from stegvis.evaluation import api as evaluation_api
from stegvis.knowledge import api as knowledge_api

api.add_router("/", interventions.router)
api.add_router("/", participants.router)
api.add_router("/", assessments.router)
api.add_router("/", plans.router)
api.add_router("/", activities.router)
api.add_router("/", compensations.router)
# Before reports: /reports/survey-results must win over /reports/{name}.
api.add_router("/", surveys.router)
api.add_router("/", reports.router)
api.add_router("/", knowledge_api.router)
api.add_router("/", evaluation_api.router)

urlpatterns = api.urls
