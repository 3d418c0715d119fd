"""What changed between two plan versions, read by a case worker."""

from stegvis.plans.versioning import diff

BASE = {
    "plan": {"participant_words": "Jag vill jobba.", "next_follow_up": "2026-03-01"},
    "goals": [{"id": 1, "title": "CV", "status": "Inte påbörjat", "target_date": "2026-04-01"}],
    "actions": [{"id": 10, "what": "Skriva CV", "who": "Deltagaren", "status": "Planerad"}],
}


def test_first_version_lists_everything_as_added_without_repeating_names():
    changes = diff(None, BASE)
    assert [(c.kind, c.section, c.name) for c in changes] == [
        ("changed", "plan", "Planen"),
        ("added", "goal", "CV"),
        ("added", "action", "Skriva CV"),
    ]
    goal = changes[1]
    assert goal.heading == "Mål tillagt: CV"
    assert [f.label for f in goal.fields] == ["Klart senast", "Status"]


def test_same_snapshot_has_no_changes():
    assert diff(BASE, BASE) == []


def test_changed_fields_show_old_and_new():
    new = {
        **BASE,
        "plan": {**BASE["plan"], "next_follow_up": "2026-05-01"},
        "actions": [{**BASE["actions"][0], "status": "Klar"}],
    }
    changes = diff(BASE, new)
    assert [(c.kind, c.section) for c in changes] == [("changed", "plan"), ("changed", "action")]
    (field,) = changes[0].fields
    assert (field.label, field.old, field.new) == ("Nästa uppföljning", "2026-03-01", "2026-05-01")
    assert changes[1].heading == "Åtgärd ändrad: Skriva CV"
    assert (changes[1].fields[0].old, changes[1].fields[0].new) == ("Planerad", "Klar")


def test_added_and_removed_items_are_matched_by_id_not_by_text():
    new = {
        **BASE,
        "goals": [{"id": 2, "title": "CV", "status": "Inte påbörjat"}],
        "actions": [],
    }
    changes = diff(BASE, new)
    assert [(c.kind, c.section, c.name) for c in changes] == [
        ("added", "goal", "CV"),
        ("removed", "goal", "CV"),
        ("removed", "action", "Skriva CV"),
    ]
    assert changes[1].heading == "Mål borttaget: CV"


def test_empty_and_missing_values_compare_equal():
    old = {"plan": {"agreed_on": None}, "goals": [], "actions": []}
    new = {"plan": {"agreed_on": ""}, "goals": [], "actions": []}
    assert diff(old, new) == []
