"""What changed between two plan versions, in words a case worker reads. No Django in here.

A snapshot is {"plan": {...}, "goals": [{"id", ...}], "actions": [{"id", ...}]} with values
already in display form (labels, names, ISO dates), so an old version reads the same after
people or statuses have been renamed. Goals and actions are matched by id.
"""

from __future__ import annotations

from dataclasses import dataclass

PLAN_FIELDS = {
    "participant_words": "Med deltagarens egna ord",
    "participant_goals": "Deltagarens egna mål",
    "agreed_on": "Överenskommen",
    "next_follow_up": "Nästa uppföljning",
}
GOAL_FIELDS = {
    "title": "Mål",
    "description": "Beskrivning",
    "target_date": "Klart senast",
    "status": "Status",
}
ACTION_FIELDS = {
    "what": "Vad",
    "goal": "Hör till mål",
    "who": "Vem",
    "due_date": "Senast",
    "status": "Status",
}
EMPTY = "–"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    kind: str  # "added" | "removed" | "changed"
    section: str  # "plan" | "goal" | "action"
    name: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def heading(self) -> str:
        noun = {"plan": "Planen", "goal": "Mål", "action": "Åtgärd"}[self.section]
        verb = {
            "added": "tillagt" if self.section == "goal" else "tillagd",
            "removed": "borttaget" if self.section == "goal" else "borttagen",
            "changed": "ändrat" if self.section == "goal" else "ändrad",
        }[self.kind]
        if self.section == "plan":
            return "Planen ändrad"
        return f"{noun} {verb}: {self.name}"


def _show(value) -> str:
    if value in (None, "", []):
        return EMPTY
    return str(value)


def _field_changes(old: dict, new: dict, labels: dict[str, str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(label, _show(old.get(key)), _show(new.get(key)))
        for key, label in labels.items()
        if _show(old.get(key)) != _show(new.get(key))
    )


def _items(
    old: list[dict], new: list[dict], section: str, labels: dict[str, str], name_key: str
) -> list[Change]:
    before = {item["id"]: item for item in old}
    after = {item["id"]: item for item in new}
    changes = []
    for item in new:
        if item["id"] not in before:
            # What was added, without repeating its name or listing empty fields.
            shown = {k: v for k, v in labels.items() if k != name_key}
            fields = tuple(f for f in _field_changes({}, item, shown) if f.new != EMPTY)
            changes.append(Change("added", section, _show(item.get(name_key)), fields))
        else:
            fields = _field_changes(before[item["id"]], item, labels)
            if fields:
                changes.append(Change("changed", section, _show(item.get(name_key)), fields))
    for item in old:
        if item["id"] not in after:
            changes.append(Change("removed", section, _show(item.get(name_key))))
    return changes


def diff(old: dict | None, new: dict) -> list[Change]:
    """Changes from ``old`` to ``new`` (``old`` None: the first version, everything added)."""
    old = old or {"plan": {}, "goals": [], "actions": []}
    changes = []
    fields = _field_changes(old.get("plan", {}), new.get("plan", {}), PLAN_FIELDS)
    if fields:
        changes.append(Change("changed", "plan", "Planen", fields))
    changes += _items(old.get("goals", []), new.get("goals", []), "goal", GOAL_FIELDS, "title")
    changes += _items(
        old.get("actions", []), new.get("actions", []), "action", ACTION_FIELDS, "what"
    )
    return changes
