"""``stegvis match-file``. No test here has database access: the command must not need it."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

STEGVIS = Path(sys.executable).parent / "stegvis"

INSTANCE = {
    "participants": ["p1", "p2", 3, "p4"],
    "activities": [
        {"id": "a", "capacity": 1},
        {"id": "b", "capacity": 1},
        {"id": 7, "capacity": 0},
    ],
    "scores": [
        ["p1", "a", 10],
        ["p1", "b", 9.5],
        ["p2", "a", 9],
        [3, 7, 100],
        ["p4", "b", -1],
    ],
}

EXPECTED = {
    "assignments": [
        {"participant": "p1", "activity": "b", "score": 9.5},
        {"participant": "p2", "activity": "a", "score": 9},
    ],
    "unassigned": [3, "p4"],
    "total_score": 18.5,
}


@pytest.fixture
def write(tmp_path):
    def write(content, name="instance.json"):
        path = tmp_path / name
        path.write_text(content if isinstance(content, str) else json.dumps(content))
        return str(path)

    return write


def match_file(path, **options):
    out = io.StringIO()
    call_command("match_file", path, stdout=out, **options)
    return out.getvalue()


def test_writes_the_optimal_assignment_as_json(write):
    assert json.loads(match_file(write(INSTANCE), format="json")) == EXPECTED


def test_json_is_the_default_format(write):
    assert json.loads(match_file(write(INSTANCE))) == EXPECTED


def test_ids_keep_their_type_and_a_string_is_not_a_number(write):
    instance = {
        "participants": [1, "1"],
        "activities": [{"id": 2, "capacity": 2}],
        "scores": [[1, 2, 1], ["1", 2, 2]],
    }
    result = json.loads(match_file(write(instance)))
    assert result["assignments"] == [
        {"participant": 1, "activity": 2, "score": 1},
        {"participant": "1", "activity": 2, "score": 2},
    ]


def test_total_score_is_the_exact_sum_of_the_scores_as_written(write):
    instance = {
        "participants": ["p1", "p2"],
        "activities": [{"id": "a", "capacity": 2}],
        "scores": [["p1", "a", 0.1], ["p2", "a", 0.2]],
    }
    assert json.loads(match_file(write(instance)))["total_score"] == 0.3


def test_empty_instance(write):
    result = json.loads(match_file(write({"participants": [], "activities": [], "scores": []})))
    assert result == {"assignments": [], "unassigned": [], "total_score": 0}


def test_text_format(write):
    out = match_file(write(INSTANCE), format="text")
    assert "2 av 4 deltagare får ett förslag, sammanlagd poäng 18,5." in out
    assert "p1 → b (9,5)" in out
    assert "Utan förslag: 3, p4" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"participants": [', "Ogiltig JSON i .*rad 1, kolumn 19"),
        (
            '{"participants": [], "activities": [], "scores": [["p", "a", NaN]]}',
            "NaN är inget tal som JSON tillåter",
        ),
        ("[]", "ska innehålla ett JSON-objekt"),
        ({"participants": [], "activities": []}, 'Nyckeln "scores" saknas'),
        ({"participants": {}, "activities": [], "scores": []}, '"participants" ska vara en lista'),
        (
            {"participants": ["p1", "p1"], "activities": [], "scores": []},
            r'participants\[1\]: "p1" finns redan',
        ),
        (
            {"participants": [None], "activities": [], "scores": []},
            r"participants\[0\]: ett id ska vara en sträng eller ett tal, inte null",
        ),
        (
            {"participants": [], "activities": [{"id": "a"}], "scores": []},
            r'activities\[0\]: ska vara ett objekt med "id" och "capacity"',
        ),
        (
            {"participants": [], "activities": [{"id": "a", "capacity": -2}], "scores": []},
            r'activities\[0\]: kapaciteten för "a" måste vara ett heltal 0 eller större, inte -2',
        ),
        (
            {
                "participants": [],
                "activities": [{"id": "a", "capacity": 1}, {"id": "a", "capacity": 2}],
                "scores": [],
            },
            r'activities\[1\]: "a" finns redan',
        ),
        (
            {"participants": ["p1"], "activities": [{"id": "a", "capacity": 1}], "scores": [[]]},
            r"scores\[0\]: ska vara en lista \[deltagare, aktivitet, poäng\]",
        ),
        (
            {
                "participants": ["p1"],
                "activities": [{"id": "a", "capacity": 1}],
                "scores": [["p1", "a", 1], ["p9", "a", 1]],
            },
            r'scores\[1\]: okänd deltagare "p9"',
        ),
        (
            {
                "participants": ["p1"],
                "activities": [{"id": "a", "capacity": 1}],
                "scores": [["p1", "b", 1]],
            },
            r'scores\[0\]: okänd aktivitet "b"',
        ),
        (
            {
                "participants": ["p1"],
                "activities": [{"id": "a", "capacity": 1}],
                "scores": [["p1", "a", "mycket"]],
            },
            r'scores\[0\]: poängen "mycket" för \("p1", "a"\) måste vara ett ändligt tal',
        ),
        (
            {
                "participants": ["p1"],
                "activities": [{"id": "a", "capacity": 1}],
                "scores": [["p1", "a", True]],
            },
            r"scores\[0\]: poängen True .*måste vara ett ändligt tal",
        ),
    ],
)
def test_bad_input_is_refused_with_a_swedish_message_naming_the_entry(write, content, message):
    with pytest.raises(CommandError, match=message):
        match_file(write(content))


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Filen finns inte"):
        match_file(str(tmp_path / "saknas.json"))


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(CommandError, match="är en katalog"):
        match_file(str(tmp_path))


def _run_console_script(*args, tmp_path):
    # A database URL that cannot be opened: the command must succeed without one.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'saknas' / 'db.sqlite3'}"}
    return subprocess.run(  # noqa: S603 – fixed program and the test's own arguments
        [str(STEGVIS), "match-file", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_console_script_solves_a_file(write, tmp_path):
    result = _run_console_script(write(INSTANCE), "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED


def test_console_script_refuses_bad_input_in_swedish(write, tmp_path):
    bad = {**INSTANCE, "scores": [["p1", "x", 1]]}
    result = _run_console_script(write(bad), tmp_path=tmp_path)
    assert result.returncode != 0
    assert 'scores[0]: okänd aktivitet "x"' in result.stderr
    assert result.stdout == ""


# The console command solves a plain invocation without starting Django; anything else goes
# through the Django command. Both must give the same output, errors and exit status.


def _run(*args, tmp_path, settings="stegvis.settings"):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'saknas' / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": settings,
    }
    return subprocess.run(  # noqa: S603 – fixed program and the test's own arguments
        [str(STEGVIS), "match-file", *args], capture_output=True, text=True, check=False, env=env
    )


@pytest.mark.parametrize(
    ("args", "output"),
    [((), "json"), (("--format", "text"), "text"), (("--format=json",), "json")],
)
def test_plain_invocation_needs_no_django_and_answers_like_the_command(
    write, tmp_path, args, output
):
    path = write(INSTANCE)
    # Settings that cannot be imported: only a run that never starts Django succeeds.
    fast = _run(path, *args, tmp_path=tmp_path, settings="stegvis.no_such_settings")
    assert fast.returncode == 0, fast.stderr
    assert fast.stdout == match_file(path, format=output)
    # Through Django (-v is an option only the Django command knows): the same bytes.
    assert _run(path, *args, "-v", "1", tmp_path=tmp_path).stdout == fast.stdout


@pytest.mark.parametrize(
    "content",
    [
        '{"participants": [',
        {**INSTANCE, "scores": [["p1", "x", 1]]},
        {**INSTANCE, "scores": [["p1", "a"]]},
        {**INSTANCE, "scores": [["p1", None, 1]]},
    ],
)
def test_plain_invocation_refuses_bad_input_like_the_command(write, tmp_path, content):
    path = write(content)
    fast = _run(path, tmp_path=tmp_path, settings="stegvis.no_such_settings")
    django = _run(path, "-v", "1", tmp_path=tmp_path)
    assert (fast.returncode, fast.stdout, fast.stderr) == (1, "", django.stderr)
    assert django.returncode == 1
    assert fast.stderr.startswith("CommandError: ")


def test_other_arguments_go_to_the_django_command(tmp_path):
    result = _run("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--format {json,text}" in result.stdout
    bad = _run("x.json", "--format", "xml", tmp_path=tmp_path)
    assert bad.returncode == 2
    assert "ogiltigt val 'xml'" in bad.stderr


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["f.json"], ("f.json", "json")),
        (["f.json", "--format", "text"], ("f.json", "text")),
        (["--format", "text", "f.json"], ("f.json", "text")),
        (["--format=text", "f.json"], ("f.json", "text")),
        ([], None),
        (["--help"], None),
        (["f.json", "g.json"], None),
        (["f.json", "--format"], None),
        (["f.json", "--format", "xml"], None),
        (["f.json", "--traceback"], None),
        (["f.json", "-v", "2"], None),
        (["--form", "text", "f.json"], None),
    ],
)
def test_which_arguments_are_plain(args, plain):
    from stegvis.matching.instance_file import plain_arguments

    assert plain_arguments(args) == plain
