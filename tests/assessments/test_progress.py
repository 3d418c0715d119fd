"""Distance travelled (stegförflyttning, SPEC §4): first to latest rating per person and
dimension; people with a single rating are counted but have no change."""

from datetime import date

import pytest

from stegvis.assessments.chart import Series, progress_svg
from stegvis.assessments.progress import Rating, distance_travelled

D1, D2, D3 = date(2026, 1, 10), date(2026, 4, 10), date(2026, 7, 10)


def test_no_ratings_no_dimensions():
    assert distance_travelled([]) == {}


def test_a_single_rating_counts_the_person_but_gives_no_change():
    result = distance_travelled([Rating("p1", "language", D1, 2)])["language"]
    assert result.n_people == 1
    assert result.n_with_two_or_more == 0
    assert result.mean_change is None
    assert result.share_improved is None
    assert (result.n_improved, result.n_unchanged, result.n_worse) == (0, 0, 0)


def test_change_is_latest_minus_first_regardless_of_input_order():
    ratings = [
        Rating("p1", "language", D3, 4),
        Rating("p1", "language", D1, 1),
        Rating("p1", "language", D2, 5),
    ]
    result = distance_travelled(ratings)["language"]
    assert result.mean_change == 3
    assert result.share_improved == 1


def test_people_with_one_rating_do_not_dilute_the_mean():
    ratings = [
        Rating("p1", "health", D1, 2),
        Rating("p1", "health", D2, 4),  # +2
        Rating("p2", "health", D1, 3),
        Rating("p2", "health", D2, 3),  # 0
        Rating("p3", "health", D1, 4),
        Rating("p3", "health", D2, 3),  # -1
        Rating("p4", "health", D1, 1),  # single rating
    ]
    result = distance_travelled(ratings)["health"]
    assert result.n_people == 4
    assert result.n_with_two_or_more == 3
    assert result.mean_change == pytest.approx(1 / 3)
    assert result.share_improved == pytest.approx(1 / 3)
    assert (result.n_improved, result.n_unchanged, result.n_worse) == (1, 1, 1)


def test_two_ratings_on_the_same_day_are_one_occasion_the_later_wins():
    ratings = [Rating("p1", "network", D1, 2), Rating("p1", "network", D1, 3)]
    result = distance_travelled(ratings)["network"]
    assert result.n_with_two_or_more == 0
    ratings.append(Rating("p1", "network", D2, 5))
    assert distance_travelled(ratings)["network"].mean_change == 2


def test_dimensions_are_counted_separately():
    ratings = [
        Rating("p1", "language", D1, 1),
        Rating("p1", "language", D2, 2),
        Rating("p1", "health", D1, 3),
    ]
    result = distance_travelled(ratings)
    assert result["language"].n_with_two_or_more == 1
    assert result["health"].n_with_two_or_more == 0
    assert result["language"].as_dict()["mean_change"] == 1


def test_chart_draws_a_line_per_dimension_and_escapes_labels():
    svg = progress_svg(
        [Series("Språk <b>", [(D1, 1), (D2, 3)]), Series("Hälsa", [(D1, 2)])],
        title="Test & titel",
    )
    assert svg.startswith("<svg")
    assert svg.count("<polyline") == 1  # a single point has no line
    assert svg.count("<circle") == 3
    assert "<b>" not in svg
    assert "Språk &lt;b&gt;" in svg
    assert 'role="img"' in svg


def test_chart_with_nothing_rated_is_empty():
    assert progress_svg([Series("Språk", [])], title="x") == ""
