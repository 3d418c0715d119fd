"""Other apps plug figures into the methods' results (survey change, effect estimates);
without them the page shows "–"."""

from __future__ import annotations

import pytest

from stegvis.knowledge import results
from stegvis.knowledge.defaults import match_default
from stegvis.knowledge.results import Figure, ResultSource

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_source(monkeypatch):
    calls = []

    def compute(interventions, filters):
        calls.append([i.code for i in interventions])
        return Figure(value=0.4, people=30, low=0.1, high=0.7, unit="")

    source = ResultSource("survey", "Förändring i enkät", compute)
    monkeypatch.setattr(results, "RESULT_SOURCES", [source])
    return calls


def test_a_registered_source_adds_its_figure(scope, intervention, link, survey_source):
    link("MI", intervention)
    by_code = {r.code: r for r in results.method_results()}
    assert by_code["MI"].extra["survey"].value == 0.4
    assert by_code["KBT"].extra["survey"] is None  # no interventions: not asked
    assert survey_source == [["INS-1"]]


def test_page_shows_the_source_column_and_a_dash_without_figure(
    scope, federation, intervention, other_intervention, admin, login, exits, link, survey_source
):
    link("MI", intervention)
    exits(intervention, work=12, other=12)
    page = login(admin).get(f"/f/{federation.slug}/metoder/").content.decode()
    assert "Förändring i enkät" in page
    assert "0,4" in page


def test_without_sources_the_page_shows_no_extra_column(
    scope, federation, admin, login, monkeypatch
):
    monkeypatch.setattr(results, "RESULT_SOURCES", [])
    page = login(admin).get(f"/f/{federation.slug}/metoder/").content.decode()
    assert "Förändring i" not in page
    assert "Effekt mot" not in page


def test_free_text_method_names_match_the_defaults():
    assert match_default("trepartssamtal")[0] == "TREPART"
    assert match_default(" mi ")[0] == "MI"
    assert match_default("Motiverande samtal (MI)")[0] == "MI"
    assert match_default("Egen metod") is None
