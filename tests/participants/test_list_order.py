"""Lists sort people without letting a masked name show through its row's place: named people
by last and first name, then protected identities in registration order, then anonymous
records."""

from datetime import date

import pytest

from stegvis.participants import selectors
from stegvis.participants.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register, enrol, intervention, case_worker):
    def person(last, first="Anna", **extra):
        p = register(intervention, first_name=first, last_name=last, **extra)
        enrol(p, intervention, date(2026, 1, 5), main_contact=case_worker)
        return p

    lind = person("Lind")
    hidden_z = person("Zetterlund", protected_identity=True)  # registered before Aalto
    andersson = person("Andersson")
    hidden_a = person("Aalto", "Aaron", protected_identity=True)
    berg_b = person("Berg", "Bo")
    berg_a = person("Berg", "Ada")
    return [andersson, berg_a, berg_b, lind, hidden_z, hidden_a]


def test_caseload_puts_protected_identities_after_the_named_in_registration_order(
    people, case_worker
):
    rows = selectors.caseload(membership=case_worker, filters=selectors.CaseloadFilters(mine=False))
    assert [e.participant_id for e in rows] == [p.pk for p in people]


def test_the_person_list_sorts_the_same_way(people, case_worker):
    listed = selectors.participants_list(membership=case_worker)
    assert [p.pk for p in listed] == [p.pk for p in people]


def test_the_sort_names_follow_a_change_of_protection(people):
    lind = people[3]
    Participant.objects.filter(pk=lind.pk).update(protected_identity=True)
    row = Participant.objects.values("sort_last_name", "sort_first_name").get(pk=lind.pk)
    assert row == {"sort_last_name": "", "sort_first_name": ""}
    Participant.objects.filter(pk=lind.pk).update(protected_identity=False, last_name="Linde")
    row = Participant.objects.values("sort_last_name", "sort_first_name").get(pk=lind.pk)
    assert row == {"sort_last_name": "Linde", "sort_first_name": "Anna"}


def test_a_pseudonymised_export_blanks_the_sort_names(people, federation):
    from stegvis.core.export import table_records

    columns, records = table_records(
        Participant,
        Participant.objects.filter(pk__in=[p.pk for p in people]),
        federation=federation,
        pseudonymised=True,
    )
    assert {"sort_last_name", "sort_first_name"} <= set(columns)
    assert records
    assert not any(r["sort_last_name"] or r["sort_first_name"] for r in records)
    # Identified, a protected identity's row is masked all the same.
    _columns, records = table_records(
        Participant, Participant.objects.all(), federation=federation, pseudonymised=False
    )
    by_pk = {r["id"]: r for r in records}
    assert by_pk[people[0].pk]["sort_last_name"] == "Andersson"
    assert not by_pk[people[4].pk]["sort_last_name"]
