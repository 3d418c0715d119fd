"""``bulk.insert_many``: many rows per statement on SQLite, COPY on PostgreSQL; every row
arrives with the defaults of the columns it does not give, and a broken row fails as Django's
IntegrityError."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from stegvis.core import bulk
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Consent, Participant

pytestmark = pytest.mark.django_db

COLUMNS = ("federation_id", "personal_number_hash", "birth_year", "gender", "created_at")


def rows(federation, count, start=0):
    now = bulk.db_datetime(timezone.now())
    return [(federation.pk, f"h{i:04d}", 1950 + i % 50, "kvinna", now) for i in range(start, count)]


@pytest.mark.parametrize("per_statement", [1, 2, 3, None])
def test_rows_split_over_statements_and_batches_all_arrive(federation, monkeypatch, per_statement):
    if per_statement is not None:  # a statement that holds only so many rows
        defaults = len(Participant._meta.concrete_fields) - len(COLUMNS) - 1
        monkeypatch.setattr(
            bulk, "_sqlite_max_params", lambda: defaults + per_statement * len(COLUMNS)
        )
    batches = []
    with federation_scope(federation):
        count = bulk.insert_many(
            Participant, COLUMNS, rows(federation, 7), batch_size=5, on_batch=batches.append
        )
        stored = list(
            Participant.objects.order_by("personal_number_hash").values_list(
                "personal_number_hash", "birth_year", "first_name", "is_anonymous", "languages"
            )
        )
    assert (count, batches) == (7, [5, 2])
    assert stored == [(f"h{i:04d}", 1950 + i, "", False, []) for i in range(7)]


def test_dates_are_adapted_once_per_distinct_value(federation, intervention):
    adapt = bulk.date_adapter()
    assert adapt(None) is None
    assert adapt(date(2024, 1, 2)) == connection.ops.adapt_datefield_value(date(2024, 1, 2))
    with federation_scope(federation):
        participant = Participant.objects.create(personal_number_hash="p", birth_year=1980)
        bulk.insert_many(
            Consent,
            ("federation_id", "participant_id", "intervention_id", "scope", "method", "given_on"),
            [
                (
                    federation.pk,
                    participant.pk,
                    intervention.pk,
                    "registration",
                    "imported",
                    adapt(d),
                )
                for d in (date(2024, 1, 2), date(2024, 1, 2), date(2023, 5, 6))
            ],
        )
        assert sorted(Consent.objects.values_list("given_on", flat=True)) == [
            date(2023, 5, 6),
            date(2024, 1, 2),
            date(2024, 1, 2),
        ]


def test_a_duplicate_fails_as_integrity_error_and_the_transaction_writes_nothing(federation):
    with federation_scope(federation):
        with pytest.raises(IntegrityError), transaction.atomic():
            bulk.insert_many(Participant, COLUMNS, rows(federation, 3) + rows(federation, 1))
        assert not Participant.objects.exists()


@pytest.mark.parametrize("per_statement", [2, None])
def test_a_writer_runs_the_statements_in_order_in_the_same_transaction(
    federation, monkeypatch, per_statement
):
    if per_statement is not None:
        defaults = len(Participant._meta.concrete_fields) - len(COLUMNS) - 1
        monkeypatch.setattr(
            bulk, "_sqlite_max_params", lambda: defaults + per_statement * len(COLUMNS)
        )
    with federation_scope(federation):
        with transaction.atomic(), bulk.Writer() as writer:
            assert writer.running == (connection.vendor == "sqlite")
            first = bulk.insert_many(Participant, COLUMNS, rows(federation, 5), writer=writer)
            second = bulk.insert_many(
                Participant, COLUMNS, rows(federation, 9, start=5), batch_size=3, writer=writer
            )
        assert (first, second) == (5, 4)
        stored = list(
            Participant.objects.order_by("id").values_list("personal_number_hash", flat=True)
        )
    assert stored == [f"h{i:04d}" for i in range(9)]


def test_a_row_refused_in_the_writer_raises_and_nothing_is_kept(federation, monkeypatch):
    defaults = len(Participant._meta.concrete_fields) - len(COLUMNS) - 1
    monkeypatch.setattr(bulk, "_sqlite_max_params", lambda: defaults + 2 * len(COLUMNS))
    broken = rows(federation, 4) + rows(federation, 1) + rows(federation, 12, start=4)

    def write():
        with transaction.atomic(), bulk.Writer() as writer:
            bulk.insert_many(Participant, COLUMNS, broken, writer=writer)

    with federation_scope(federation):
        with pytest.raises(IntegrityError):
            write()
        assert not Participant.objects.exists()
        # The connection is the caller's again, and usable.
        bulk.insert_many(Participant, COLUMNS, rows(federation, 2))
        assert Participant.objects.count() == 2


def test_a_failure_of_the_caller_stops_the_writer(federation):
    def write():
        with transaction.atomic(), bulk.Writer() as writer:
            bulk.insert_many(Participant, COLUMNS, rows(federation, 3), writer=writer)
            raise ValueError("fel i raden")

    with federation_scope(federation):
        with pytest.raises(ValueError, match="fel i raden"):
            write()
        assert not Participant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_writer_needs_a_transaction():
    if connection.vendor != "sqlite":
        pytest.skip("Only SQLite writes in a thread of its own.")
    with pytest.raises(TransactionManagementError), bulk.Writer():
        pass
