"""``stegvis import enrolments``: all or nothing, row-level Swedish errors, idempotent."""

import csv
import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from stegvis.core.crypto import lookup_hash
from stegvis.core.models import AuditEntry
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.tenancy import federation_scope
from stegvis.interventions.models import Intervention
from stegvis.participants import importing
from stegvis.participants.models import Consent, Enrolment, FollowUp, Participant

pytestmark = pytest.mark.django_db

HEADER = (
    "personnummer,gender,start_date,end_date,exit_reason,af_code_before,af_code_after,"
    "income_source_before,income_source_after"
)
RNG = random.Random(3)
ANNA = generate_personal_number(RNG, date(1985, 4, 2), "kvinna")
OMAR = generate_personal_number(RNG, date(1999, 11, 20), "man")
SARA = generate_personal_number(RNG, date(1970, 1, 5), "kvinna")


def csv_file(tmp_path, *rows, header=HEADER, delimiter=",", name="import.csv", bom=False):
    lines = [header.replace(",", delimiter)] + [r.replace(",", delimiter) for r in rows]
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + ("\n".join(lines) + "\n").encode())
    return path


def run(path, *extra, intervention="INS-1"):
    out = io.StringIO()
    call_command(
        "import_data",
        "enrolments",
        str(path),
        "--federation",
        "alfa",
        "--intervention",
        intervention,
        *extra,
        stdout=out,
    )
    return out.getvalue()


VALID = [
    f"{ANNA},kvinna,2024-01-15,2024-09-30,arbete,11,33,ekonomiskt_bistand|a_kassa,lon",
    f"{OMAR},man,2024-03-01,,,14,,etableringsersattning,",
    f"{SARA},annat,2023-05-01,2023-05-01,felregistrering,,,,",
]


def test_import_creates_people_consents_and_enrolments(federation, intervention, tmp_path):
    out = run(csv_file(tmp_path, *VALID))
    assert "Importerade 3 deltaganden i INS-1 (3 nya deltagare)" in out
    with federation_scope(federation):
        anna = Participant.objects.get(personal_number_hash=lookup_hash(ANNA))
        assert anna.personal_number == ANNA
        assert anna.birth_date == date(1985, 4, 2)
        assert not anna.is_anonymous
        enrolment = anna.enrolments.get()
        assert enrolment.imported
        assert enrolment.income_sources_before == ["ekonomiskt_bistand", "a_kassa"]
        assert enrolment.income_sources_after == ["lon"]
        assert (enrolment.af_code_before, enrolment.af_code_after) == ("11", "33")
        assert (enrolment.end_date, enrolment.exit_reason) == (date(2024, 9, 30), "arbete")
        consent = anna.consents.get()
        assert (consent.method, consent.scope, consent.given_on) == (
            "imported",
            "registration",
            date(2024, 1, 15),
        )
        assert Participant.objects.get(personal_number_hash=lookup_hash(SARA)).gender == "annat"
        entry = AuditEntry.objects.get(object_type="enrolment_import")
        assert entry.detail["enrolments"] == 3


def test_semicolons_and_byte_order_mark_are_accepted(federation, intervention, tmp_path):
    run(csv_file(tmp_path, *VALID, delimiter=";", bom=True))
    with federation_scope(federation):
        assert Enrolment.objects.count() == 3


def test_importing_the_same_file_again_adds_nothing(federation, intervention, tmp_path):
    path = csv_file(tmp_path, *VALID)
    run(path)
    out = run(path)
    assert "Importerade 0 deltaganden" in out
    assert "3 fanns redan" in out
    with federation_scope(federation):
        assert Enrolment.objects.count() == 3
        assert Participant.objects.count() == 3
        assert Consent.objects.count() == 3


def test_a_new_episode_of_a_known_person_reuses_the_person(
    federation, intervention, other_intervention, tmp_path
):
    run(csv_file(tmp_path, VALID[0]))
    run(csv_file(tmp_path, f"{ANNA},kvinna,2025-02-01,,,,,,", name="second.csv"))
    run(
        csv_file(tmp_path, f"{ANNA},kvinna,2025-02-01,,,,,,", name="third.csv"),
        intervention="INS-2",
    )
    with federation_scope(federation):
        anna = Participant.objects.get()
        assert anna.enrolments.count() == 3
        # A consent per intervention, as in SUS.
        assert sorted(anna.consents.values_list("intervention__code", flat=True)) == [
            "INS-1",
            "INS-2",
        ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("19850402-1234,kvinna,2024-01-01,,,,,,", "Rad 3, fält personnummer: Kontrollsiffran"),
        (f"{OMAR},hen,2024-01-01,,,,,,", "Rad 3, fält gender: Okänt kön 'hen'"),
        (f"{OMAR},man,,,,,,,", "Rad 3, fält start_date: Värde saknas."),
        (f"{OMAR},man,2024-02-30,,,,,,", "Rad 3, fält start_date: Ogiltigt datum '2024-02-30'"),
        (f"{OMAR},man,01/02/2024,,,,,,", "Rad 3, fält start_date: Ogiltigt datum"),
        (
            f"{OMAR},man,2024-02-01,2024-01-01,arbete,,,,",
            "Rad 3, fält end_date: Slutdatumet ligger",
        ),
        (f"{OMAR},man,2024-02-01,2024-03-01,,,,,", "Rad 3, fält exit_reason: Avslutsorsak saknas"),
        (f"{OMAR},man,2024-02-01,,arbete,,,,", "Rad 3, fält end_date: Slutdatum saknas"),
        (f"{OMAR},man,2024-02-01,2024-03-01,semester,,,,", "Rad 3, fält exit_reason: Okänd"),
        (f"{OMAR},man,2024-02-01,,,12,,,", "Rad 3, fält af_code_before: Okänd AF-kod '12'"),
        (f"{OMAR},man,2024-02-01,2024-03-01,arbete,,X,,", "Rad 3, fält af_code_after"),
        (f"{OMAR},man,2024-02-01,,,,,lon|bitcoin,", "Rad 3, fält income_source_before"),
        (f"{OMAR},man,2024-02-01,,,,", "Rad 3: Raden har 7 fält men rubrikraden 9."),
        (f"{ANNA},kvinna,2024-01-15,,,,,,", "Rad 3, fält start_date: Samma personnummer och"),
        (f"{ANNA},kvinna,2024-05-01,,,,,,", "Rad 3, fält start_date: Deltagandet överlappar rad 2"),
    ],
)
def test_an_invalid_row_is_named_and_nothing_is_written(
    federation, intervention, tmp_path, row, message
):
    path = csv_file(tmp_path, VALID[0], row, VALID[1])
    with pytest.raises(CommandError) as error:
        run(path)
    assert message in str(error.value)
    assert "inget sparades" in str(error.value)
    with federation_scope(federation):
        assert not Enrolment.objects.exists()
        assert not Participant.objects.exists()


def test_all_errors_are_listed(federation, intervention, tmp_path):
    path = csv_file(tmp_path, f"{OMAR},hen,2024-13-01,,,,,,", "x,kvinna,2024-01-01,,,,,,")
    with pytest.raises(CommandError) as error:
        run(path)
    text = str(error.value)
    assert "Rad 2, fält gender" in text
    assert "Rad 2, fält start_date" in text
    assert "Rad 3, fält personnummer" in text


def test_a_missing_column_and_an_empty_file_are_explained(federation, intervention, tmp_path):
    with pytest.raises(CommandError, match="saknar kolumnerna exit_reason"):
        run(csv_file(tmp_path, header=HEADER.replace("exit_reason,", "")))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="Filen är tom"):
        run(empty)
    with pytest.raises(CommandError, match="inga rader"):
        run(csv_file(tmp_path))


def test_a_file_that_is_not_utf8_is_refused(federation, intervention, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n" + f"{OMAR},man,2024-01-01,,,,,Lön,\n").encode("latin-1"))
    with pytest.raises(CommandError, match="Rad 2: Filen är inte UTF-8"):
        run(path)


def test_overlap_with_an_enrolment_already_in_stegvis_is_refused(
    federation, intervention, tmp_path
):
    run(csv_file(tmp_path, f"{OMAR},man,2024-03-01,,,,,,"))
    with pytest.raises(CommandError, match="Rad 2, fält start_date: Personen har redan"):
        run(csv_file(tmp_path, f"{OMAR},man,2024-06-01,2024-07-01,arbete,,,,", name="b.csv"))


def test_unknown_intervention_needs_create_flag(federation, tmp_path):
    path = csv_file(tmp_path, *VALID)
    with pytest.raises(CommandError, match="Insatsen 'NY-1' finns inte"):
        run(path, intervention="NY-1")
    run(path, "--create-intervention", intervention="NY-1")
    with federation_scope(federation):
        new = Intervention.objects.get(code="NY-1")
        assert new.is_individual
        assert new.enrolments.count() == 3


def test_structural_intervention_takes_no_participants(federation, tmp_path):
    with federation_scope(federation):
        Intervention.objects.create(code="STR", name="Struktur", kind="structural")
    with pytest.raises(CommandError, match="strukturinriktad"):
        run(csv_file(tmp_path, *VALID), intervention="STR")


def test_follow_ups_are_planned_only_where_they_still_lie_ahead(federation, intervention, tmp_path):
    today = timezone.localdate()
    recent = today - timedelta(days=30)
    half_year_ago = today - timedelta(days=250)
    run(
        csv_file(
            tmp_path,
            f"{ANNA},kvinna,2020-01-01,{recent},arbete,,,,",
            f"{OMAR},man,2020-01-01,{half_year_ago},studier,,,,",
            f"{SARA},kvinna,2020-01-01,2021-01-01,annat,,,,",
        )
    )
    with federation_scope(federation):
        months = {
            p: sorted(
                FollowUp.objects.filter(
                    enrolment__participant__personal_number_hash=lookup_hash(p)
                ).values_list("months", flat=True)
            )
            for p in (ANNA, OMAR, SARA)
        }
    assert months == {ANNA: [6, 12], OMAR: [12], SARA: []}


def import_rows(federation, intervention, *rows, today=date(2024, 12, 1)):
    with federation_scope(federation):
        parsed = importing.parse_enrolments(
            HEADER + "\n" + "\n".join(rows) + "\n",
            keys=importing.ReferenceKeys.current(),
            today=today,
        )
        return importing.enrolments_import(
            actor=None, intervention=intervention, rows=parsed, today=today
        )


def test_every_written_row_points_at_its_own_person(federation, intervention, other_federation):
    """New people and enrolments get their ids before they are written: after the rows of
    every federation, and the consents, enrolments and follow-ups refer to the right ones."""
    with federation_scope(other_federation):
        beta = Intervention.objects.create(code="INS-1", name="Beta")
    import_rows(federation, intervention, f"{ANNA},kvinna,2020-01-01,2020-06-30,arbete,,,,")
    import_rows(
        other_federation, beta, f"{OMAR},man,2020-01-01,,,,,,", f"{SARA},kvinna,2020-01-01,,,,,,"
    )
    with federation_scope(other_federation):
        before = max(Participant.objects.values_list("id", flat=True))
        last_enrolment = max(Enrolment.objects.values_list("id", flat=True))
    episodes = {  # start date: (person, end date)
        date(2024, 3, 1): (SARA, date(2024, 10, 1)),
        date(2024, 1, 1): (ANNA, date(2024, 9, 1)),  # a known person, a second episode
        date(2023, 1, 1): (OMAR, date(2023, 6, 1)),
        date(2024, 2, 1): (OMAR, date(2024, 11, 1)),
    }
    gender = {ANNA: "kvinna", OMAR: "man", SARA: "kvinna"}
    result = import_rows(
        federation,
        intervention,
        *(f"{n},{gender[n]},{start},{end},arbete,,,," for start, (n, end) in episodes.items()),
    )
    assert (result.created_participants, result.created_enrolments) == (2, 4)
    with federation_scope(federation):
        new = Participant.objects.filter(id__gt=before)
        assert sorted(p.personal_number for p in new) == sorted([OMAR, SARA])
        enrolments = Enrolment.objects.filter(intervention=intervention, start_date__year__gte=2023)
        assert all(e.id > last_enrolment for e in enrolments)
        assert {e.start_date: (e.participant.personal_number, e.end_date) for e in enrolments} == {
            start: (number, end) for start, (number, end) in episodes.items()
        }
        consents = {c.participant.personal_number: c.given_on for c in Consent.objects.all()}
        assert consents == {ANNA: date(2020, 1, 1), OMAR: date(2023, 1, 1), SARA: date(2024, 3, 1)}
        followups = sorted(
            (f.enrolment.participant.personal_number, f.enrolment.start_date, f.months)
            for f in FollowUp.objects.all()
        )
    # Ahead of 2024-12-01: six and twelve months after September, October and November 2024.
    assert followups == sorted(
        (number, start, months)
        for start, (number, end) in episodes.items()
        if end.year == 2024
        for months in (6, 12)
    )


def test_a_failure_while_writing_leaves_nothing_behind(federation, intervention, monkeypatch):
    """All or nothing also when the database refuses a row after others are written."""
    from stegvis.core import bulk

    real = bulk.insert_many

    def failing(model, columns, rows, **kwargs):
        if model is Enrolment:
            rows = [*rows]
            rows[-1] = (*rows[-1][:2], None, *rows[-1][3:])  # no person: NOT NULL fails
        return real(model, columns, rows, **kwargs)

    monkeypatch.setattr(bulk, "insert_many", failing)
    with federation_scope(federation):
        with pytest.raises(IntegrityError):
            import_rows(federation, intervention, *VALID)
        assert not Participant.objects.exists()
        assert not Consent.objects.exists()
        assert not Enrolment.objects.exists()
    monkeypatch.setattr(bulk, "insert_many", real)
    result = import_rows(federation, intervention, *VALID)
    assert result.created_enrolments == 3


def test_other_federation_with_the_same_number_is_a_different_person(
    federation, intervention, other_federation, tmp_path
):
    with federation_scope(other_federation):
        Intervention.objects.create(code="INS-1", name="Beta")
    run(csv_file(tmp_path, VALID[0]))
    out = io.StringIO()
    call_command(
        "import_data",
        "enrolments",
        str(csv_file(tmp_path, VALID[0], name="b.csv")),
        "--federation",
        "beta",
        "--intervention",
        "INS-1",
        stdout=out,
    )
    assert "1 nya deltagare" in out.getvalue()


def test_parser_is_usable_without_the_command():
    keys = importing.ReferenceKeys(
        gender=frozenset({"kvinna", "man", "annat"}),
        exit_reason=frozenset({"arbete"}),
        af_code=frozenset({"11"}),
        income_source=frozenset({"lon"}),
    )
    text = HEADER + "\n" + f"{ANNA},Kvinna,2024-01-15,2024-02-01,arbete,11,,lon|lon,\n"
    (row,) = importing.parse_enrolments(text, keys=keys, today=date(2026, 1, 1))
    assert (row.row, row.gender, row.income_sources_before) == (2, "kvinna", ["lon"])


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # The usual rows (checked in one expression).
        (
            f"{ANNA},kvinna,2024-01-15,2024-02-01,arbete,11,11,lon,lon",
            ("kvinna", date(2024, 2, 1), "arbete", "11", "11", ["lon"], ["lon"]),
        ),
        (f"{ANNA},man,2024-01-15,,,,,,", ("man", None, "", "", "", [], [])),
        (
            f"{ANNA},kvinna,2024-01-15,2024-01-15,arbete,,,,",
            ("kvinna", date(2024, 1, 15), "arbete", "", "", [], []),
        ),
        # Rows the full checks read: capitals, spaces, several income sources.
        (
            f" {ANNA} , Kvinna ,2024-01-15, 2024-02-01 , arbete ,11,, lon | lon ,",
            ("kvinna", date(2024, 2, 1), "arbete", "11", "", ["lon"], []),
        ),
        (
            f"{ANNA},KVINNA,2024-01-15,,,,,lon|bidrag,bidrag",
            ("kvinna", None, "", "", "", ["lon", "bidrag"], ["bidrag"]),
        ),
    ],
)
def test_every_accepted_row_is_read_the_same_way(cells, expected):
    keys = importing.ReferenceKeys(
        gender=frozenset({"kvinna", "man"}),
        exit_reason=frozenset({"arbete"}),
        af_code=frozenset({"11"}),
        income_source=frozenset({"lon", "bidrag"}),
    )
    (row,) = importing.parse_enrolments(
        HEADER + "\n" + cells + "\n", keys=keys, today=date(2026, 1, 1)
    )
    assert (row.row, row.number.formatted, row.digest, row.start_date) == (
        2,
        ANNA,
        lookup_hash(ANNA),
        date(2024, 1, 15),
    )
    assert (
        row.gender,
        row.end_date,
        row.exit_reason,
        row.af_code_before,
        row.af_code_after,
        row.income_sources_before,
        row.income_sources_after,
    ) == expected


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("1234,kvinna,2024-01-15,,,,,,", "Rad 2, fält personnummer"),
        ("{pn},kvinna,2024-01-15,2024-01-14,arbete,,,,", "Rad 2, fält end_date: Slutdatumet"),
        ("{pn},kvinna,2024-01-15,2024-02-01,,,,,", "Rad 2, fält exit_reason: Avslutsorsak saknas"),
        ("{pn},kvinna,2024-01-15,,arbete,,,,", "Rad 2, fält end_date: Slutdatum saknas"),
        ("{pn},kvinna,2024-01-15,,,99,,,", "Rad 2, fält af_code_before: Okänd AF-kod '99'"),
        ("{pn},kvinna,2024-01-15,,,,,,okänd", "Rad 2, fält income_source_after"),
        ("{pn},kvinna,2024-02-30,,,,,,", "Rad 2, fält start_date: Ogiltigt datum '2024-02-30'"),
    ],
)
def test_a_row_that_fails_the_quick_check_gets_the_full_messages(cells, message):
    keys = importing.ReferenceKeys(
        gender=frozenset({"kvinna", "man"}),
        exit_reason=frozenset({"arbete"}),
        af_code=frozenset({"11"}),
        income_source=frozenset({"lon"}),
    )
    text = HEADER + "\n" + cells.format(pn=ANNA) + "\n" + f"{OMAR},man,2024-01-15,,,,,,\n"
    with pytest.raises(importing.ImportFailed) as failed:
        importing.parse_enrolments(text, keys=keys, today=date(2026, 1, 1))
    assert message in str(failed.value)
    assert [e.row for e in failed.value.errors] == [2]


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", "b", ",", ";", " ", "\n", "\r", '"', "\t", "|"])),
    st.sampled_from([",", ";"]),
)
def test_lines_are_read_as_the_csv_module_reads_them(text, delimiter):
    def read(reader):
        rows = []
        try:
            rows.extend((row, reader.line_num) for row in reader)
        except csv.Error as error:  # e.g. a carriage return inside a field
            rows.append(str(error))
        return rows

    expected = read(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert read(importing._Lines(text, delimiter)) == expected
