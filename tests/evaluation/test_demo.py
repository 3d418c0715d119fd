"""The demo federation shows a real estimate and a socio-economic return on UTR-25."""

from django.utils import timezone

from stegvis.core.demo import DEMO_SLUG
from stegvis.core.models import Federation
from stegvis.core.tenancy import federation_scope
from stegvis.evaluation import effects, returns


def test_demo_compares_utr25_with_the_municipal_register(seeded_demo):
    with federation_scope(Federation.objects.get(slug=DEMO_SLUG)):
        intervention = effects.resolve_intervention("UTR-25")
        evaluation = effects.evaluate(
            intervention=intervention,
            comparisons=effects.resolve_comparisons(["KOMMUN-EB"], intervention),
            bootstrap=50,
        )
        result = evaluation.result
        assert result.n_treated >= 10
        assert result.n_comparison >= 100
        assert result.estimate is not None
        assert result.ci_low < result.estimate < result.ci_high
        assert not evaluation.result.has_warning("no_overlap")
        economy = returns.socio_economic_return(evaluation, today=timezone.localdate())
        assert economy.cost_per_participant > 0
        assert economy.treated_with_data > 0
        assert economy.monthly_saving is not None
