"""Result goals, evaluated live (SPEC §2, §8). Pure functions over plain rows.

A share goal such as "≥ 50 % to work or studies within 12 months of start" is judged per
enrolment that started in the period:

* **reached** – exited to work or studies (an exit reason flagged ``work_or_studies``), within
  the window when the goal has one;
* **not reached** – exited otherwise, or exited to work or studies only after the window, or
  still active when the window has closed;
* **pending** – still active and the window is open (or the goal has no window), so the answer
  is not known yet.

The outcome is reached / (reached + not reached): the share among those whose answer is known.
Felregistreringar never reach this function.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from stegvis.core.dates import add_months
from stegvis.reports.tables import share


@dataclass
class ShareCount:
    reached: int = 0
    not_reached: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.reached + self.not_reached

    @property
    def outcome(self) -> float | None:
        return share(self.reached, self.decided)


def count_share(
    rows: Iterable[tuple[date, date | None, str]],
    *,
    work_or_studies: set[str],
    within_months: int | None,
    as_of: date,
) -> ShareCount:
    """Rows are ``(start_date, end_date, exit_reason)`` of the cohort's enrolments."""
    result = ShareCount()
    for start, end, reason in rows:
        deadline = add_months(start, within_months) if within_months else None
        if end is not None and end <= as_of:
            in_time = deadline is None or end <= deadline
            if reason in work_or_studies and in_time:
                result.reached += 1
            else:
                result.not_reached += 1
        elif deadline is not None and deadline < as_of:
            result.not_reached += 1
        else:
            result.pending += 1
    return result


@dataclass
class GoalStatus:
    goal_id: int
    intervention_code: str
    title: str
    is_share: bool
    target: int
    outcome: float | int | None
    reached: int
    decided: int
    pending: int

    @property
    def met(self) -> bool | None:
        if self.outcome is None:
            return None
        return self.outcome >= self.target

    @property
    def progress(self) -> int:
        """How far towards the target, in percent (0–100), for a progress bar."""
        if not self.target or self.outcome is None:
            return 0
        return max(0, min(100, round(100 * self.outcome / self.target)))

    @property
    def status(self) -> str:
        if self.outcome is None:
            return "Inget underlag än"
        if self.met:
            return "Uppnått" if not self.is_share else "Når målet"
        return "Under målet" if self.is_share else "Inte uppnått än"

    @property
    def outcome_text(self) -> str:
        if self.outcome is None:
            return "–"
        if self.is_share:
            return f"{self.outcome:.0f} %"
        return str(self.outcome)

    @property
    def target_text(self) -> str:
        return f"{self.target} %" if self.is_share else str(self.target)
