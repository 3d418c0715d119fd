"""``bulk.reserve_ids``: ids for rows inserted with explicit keys come after every row there is
and every row there was, and on SQLite nobody else can write until the transaction ends."""

import sqlite3

import pytest
from django.db import connection
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from stegvis.core import bulk
from stegvis.core.tenancy import federation_scope
from stegvis.participants.models import Participant

COLUMNS = ("id", "federation_id", "personal_number_hash", "birth_year", "created_at")


def person(federation, pk=None, digest="x"):
    now = bulk.db_datetime(timezone.now())
    return (pk, federation.pk, digest, 1980, now)


@pytest.mark.django_db
def test_reserved_ids_follow_the_rows_of_every_federation(federation, other_federation):
    with federation_scope(other_federation):
        theirs = Participant.objects.create(personal_number_hash="b", birth_year=1970)
    with federation_scope(federation):
        ours = Participant.objects.create(personal_number_hash="a", birth_year=1970)
        ids = list(bulk.reserve_ids(Participant, 3))
        assert len(set(ids)) == 3
        assert min(ids) > max(theirs.pk, ours.pk)
        bulk.insert_many(Participant, COLUMNS, [person(federation, pk, f"n{pk}") for pk in ids])
        # Ordinary inserts carry on after the reserved ids, and the next reservation too.
        later = Participant.objects.create(personal_number_hash="c", birth_year=1970)
        assert later.pk > max(ids)
        assert min(bulk.reserve_ids(Participant, 2)) > later.pk
        assert sorted(
            Participant.objects.filter(pk__in=ids).values_list("personal_number_hash", flat=True)
        ) == sorted(f"n{pk}" for pk in ids)


@pytest.mark.django_db
def test_ids_of_deleted_rows_are_not_handed_out_again(federation):
    with federation_scope(federation):
        kept = Participant.objects.create(personal_number_hash="a", birth_year=1970)
        gone = Participant.objects.create(personal_number_hash="b", birth_year=1970)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM participants_participant WHERE id = %s", [gone.pk])
    (reserved,) = bulk.reserve_ids(Participant, 1)
    assert reserved > gone.pk > kept.pk


@pytest.mark.django_db
def test_nothing_to_reserve_runs_no_statement():
    assert list(bulk.reserve_ids(Participant, 0)) == []


@pytest.mark.django_db(transaction=True)
def test_ids_are_reserved_only_inside_a_transaction():
    with pytest.raises(TransactionManagementError):
        bulk.reserve_ids(Participant, 1)


# The SQLite statement itself, on connections of its own to a database file: the lock and the
# snapshot are what keep another writer from using the ids between the read and the insert.


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "ids.sqlite3"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (id integer NOT NULL PRIMARY KEY AUTOINCREMENT, v text)")
    setup.close()
    return path


def connect(path):
    return sqlite3.connect(path, isolation_level=None, timeout=0)


def test_the_first_reservation_of_a_table_starts_after_its_rows(database):
    db = connect(database)
    db.execute("BEGIN")
    assert bulk._sqlite_reserve(db.cursor(), "t", "id", 3) == 3  # no sqlite_sequence row yet
    db.executemany("INSERT INTO t (id, v) VALUES (?, 'x')", [(1,), (2,), (3,)])
    db.execute("COMMIT")
    db.execute("INSERT INTO t (v) VALUES ('y')")
    assert db.execute("SELECT max(id) FROM t").fetchone() == (4,)
    db.execute("BEGIN")
    assert bulk._sqlite_reserve(db.cursor(), "t", "id", 2) == 6
    db.execute("ROLLBACK")  # an import that fails gives its ids back
    assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 't'").fetchone() == (4,)


def test_after_a_reservation_no_other_connection_can_write(database):
    mine, other = connect(database), connect(database)
    mine.execute("BEGIN")  # deferred: the reservation itself must take the lock
    last = bulk._sqlite_reserve(mine.cursor(), "t", "id", 5)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("INSERT INTO t (v) VALUES ('other')")
    mine.executemany("INSERT INTO t (id, v) VALUES (?, 'mine')", [(i,) for i in range(1, 6)])
    mine.execute("COMMIT")
    assert last == 5
    other.execute("INSERT INTO t (v) VALUES ('other')")
    assert other.execute("SELECT id FROM t WHERE v = 'other'").fetchone() == (6,)


def test_a_reservation_on_an_out_of_date_snapshot_fails_instead_of_reusing_ids(database):
    mine, other = connect(database), connect(database)
    mine.execute("BEGIN")
    assert mine.execute("SELECT count(*) FROM t").fetchone() == (0,)  # the snapshot is taken
    other.execute("INSERT INTO t (v) VALUES ('other')")  # and another writer commits
    with pytest.raises(sqlite3.OperationalError):
        bulk._sqlite_reserve(mine.cursor(), "t", "id", 1)
    mine.execute("ROLLBACK")
    mine.execute("BEGIN")
    assert bulk._sqlite_reserve(mine.cursor(), "t", "id", 1) == 2
    mine.execute("ROLLBACK")
