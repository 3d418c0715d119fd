"""Distance travelled (stegförflyttning, SPEC §4 and §8): change between a person's first and
latest rating on each dimension. Pure computation over plain rows.

Ratings live in the app that records them. It registers a source here, for example in its
AppConfig.ready()::

    from stegvis.reports.distance import RATING_SOURCES
    RATING_SOURCES.append(step_ratings_for)

A source is ``function(enrolments: QuerySet[Enrolment]) -> iterable of Rating`` returning the
ratings of those enrolments. Without a source the report says that no ratings exist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

RATING_SOURCES: list[Callable] = []


@dataclass(frozen=True)
class Rating:
    enrolment_id: int
    dimension: str  # stable key
    dimension_label: str
    rated_on: date
    score: float


@dataclass
class DimensionChange:
    key: str
    label: str
    people: int  # enrolments rated at least twice on the dimension
    improved: int
    first_mean: float | None
    latest_mean: float | None

    @property
    def change_mean(self) -> float | None:
        if self.first_mean is None or self.latest_mean is None:
            return None
        return round(self.latest_mean - self.first_mean, 2)


def distance_travelled(ratings: Iterable[Rating]) -> list[DimensionChange]:
    """Per dimension, in order of first appearance: how the first and latest rating compare
    for everyone rated at least twice."""
    series: dict[str, dict[int, list[tuple[date, float]]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[str, str] = {}
    for rating in ratings:
        labels.setdefault(rating.dimension, rating.dimension_label)
        series[rating.dimension][rating.enrolment_id].append((rating.rated_on, rating.score))
    result = []
    for key, by_enrolment in series.items():
        firsts, latests = [], []
        improved = 0
        for points in by_enrolment.values():
            if len(points) < 2:
                continue
            points.sort(key=lambda p: p[0])
            first, latest = points[0][1], points[-1][1]
            firsts.append(first)
            latests.append(latest)
            improved += latest > first
        people = len(firsts)
        result.append(
            DimensionChange(
                key=key,
                label=labels[key],
                people=people,
                improved=improved,
                first_mean=round(sum(firsts) / people, 2) if people else None,
                latest_mean=round(sum(latests) / people, 2) if people else None,
            )
        )
    return result


def ratings_for(enrolments) -> list[Rating]:
    ratings: list[Rating] = []
    for source in RATING_SOURCES:
        ratings.extend(source(enrolments))
    return ratings
