"""Distance travelled (stegförflyttning), SPEC §4. No Django in here.

For each person and dimension the change is the latest score minus the first score, by rating
date. How people with a single rating are counted:

- ``n_people`` counts everyone with at least one rating on the dimension;
- ``n_with_two_or_more`` counts those rated on at least two different days;
- ``mean_change``, ``share_improved`` and the improved/unchanged/worse counts are computed over
  ``n_with_two_or_more`` only. A person with one rating has no change; they are *not* counted
  as unchanged (that would pull the mean towards zero for people who simply have not been
  followed up yet). With nobody rated twice, ``mean_change`` and ``share_improved`` are None.

Two ratings of the same person, dimension and day: the later one in input order wins.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol


class RatingLike(Protocol):
    person: Hashable
    dimension: str
    rated_on: date
    score: int


@dataclass(frozen=True)
class Rating:
    person: Hashable
    dimension: str
    rated_on: date
    score: int


@dataclass(frozen=True)
class DimensionDistance:
    dimension: str
    n_people: int
    n_with_two_or_more: int
    n_improved: int
    n_unchanged: int
    n_worse: int
    mean_change: float | None
    share_improved: float | None

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "n_people": self.n_people,
            "n_with_two_or_more": self.n_with_two_or_more,
            "n_improved": self.n_improved,
            "n_unchanged": self.n_unchanged,
            "n_worse": self.n_worse,
            "mean_change": self.mean_change,
            "share_improved": self.share_improved,
        }


def changes(ratings: Iterable[RatingLike]) -> dict[str, dict[Hashable, int | None]]:
    """dimension -> person -> latest minus first score (None with only one rating day)."""
    by_key: dict[tuple[str, Hashable], dict[date, int]] = {}
    for rating in ratings:
        by_key.setdefault((rating.dimension, rating.person), {})[rating.rated_on] = rating.score
    result: dict[str, dict[Hashable, int | None]] = {}
    for (dimension, person), scores in by_key.items():
        days = sorted(scores)
        change = scores[days[-1]] - scores[days[0]] if len(days) >= 2 else None
        result.setdefault(dimension, {})[person] = change
    return result


def distance_travelled(ratings: Iterable[RatingLike]) -> dict[str, DimensionDistance]:
    """Per dimension: people rated, people rated twice or more, mean change, share improved."""
    result = {}
    for dimension, per_person in changes(ratings).items():
        deltas = [d for d in per_person.values() if d is not None]
        improved = sum(1 for d in deltas if d > 0)
        worse = sum(1 for d in deltas if d < 0)
        result[dimension] = DimensionDistance(
            dimension=dimension,
            n_people=len(per_person),
            n_with_two_or_more=len(deltas),
            n_improved=improved,
            n_unchanged=len(deltas) - improved - worse,
            n_worse=worse,
            mean_change=sum(deltas) / len(deltas) if deltas else None,
            share_improved=improved / len(deltas) if deltas else None,
        )
    return result
