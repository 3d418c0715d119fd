"""The benchmark generator's copies (``bench.generate.multiply``): the growth benchmark's
federations of 1 000 000 and 10 000 000 enrolments are copies of a seed made in the database,
and a copy that the database refuses, or that differs from its seed, makes the benchmark
measure something else."""

from __future__ import annotations

import random

import pytest

from bench.generate import _referrals, generate, multiply
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Enrolment, Participant, Referral

# Committed: each copy is a transaction of its own, and PostgreSQL builds the dropped indexes
# again only once the copies' foreign-key checks have run.
pytestmark = pytest.mark.django_db(transaction=True)


def test_copies_keep_every_row_and_the_sort_names_the_database_computes():
    out = generate(slug="kopior", enrolments=60, seed=3)
    with federation_scope(out.federation):
        _referrals(out, random.Random(5))
        before = {model: model.objects.count() for model in (Participant, Enrolment, Referral)}
        seed_names = sorted(Participant.objects.values_list("sort_last_name", "sort_first_name"))
    assert all(before.values())

    multiply(out, 2)

    with federation_scope(out.federation):
        for model, count in before.items():
            assert model.objects.count() == 3 * count, model.__name__
        names = sorted(Participant.objects.values_list("sort_last_name", "sort_first_name"))
        # The sort names are generated columns: each copy has its seed's, blank where the
        # identity is protected, and none is copied as a value the database would refuse.
        assert names == sorted(seed_names * 3)
        protected = Participant.objects.filter(protected_identity=True)
        assert not protected.exclude(sort_last_name="").exists()
