"""A pseudonymised, individual-level extract of one evaluation for an external evaluator (a
university): one row per person with the covariates, the outcome, the propensity score and the
weight, and ekonomiskt bistånd around the intervention. No names, personnummer, municipality or
exact dates; each person is a stable pseudonym (an HMAC keyed per federation, so the same
person gets the same pseudonym in every extract and nobody without the key can reverse it).
"""

from __future__ import annotations

import hashlib
import hmac
import io

from django.conf import settings

from stegvis.core import audit
from stegvis.core.spreadsheet import csv_writer
from stegvis.evaluation.effects import Evaluation
from stegvis.evaluation.returns import WINDOW, month_index, payments

COLUMNS = [
    "pseudonym", "grupp", "gruppkod", "startmanad", "slutmanad", "alder_vid_start", "kon",
    "af_kod_fore", "forsorjning_fore", "ar_i_sverige", "utbildningsniva", "tid_utan_arbete",
    "arbete_eller_studier", "sannolikhet_att_delta", "vikt", "bistand_12_man_fore",
    "bistand_12_man_efter",
]  # fmt: skip


def pseudonym(federation, key: str) -> str:
    """Stable per person and federation: HMAC-SHA256 of the person's key."""
    secret = f"{settings.LOOKUP_HMAC_KEY}:evaluation-extract:{federation.pk}".encode()
    return "P-" + hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:16]


def _person_key(person) -> str:
    if person.participant_id:
        return f"participant:{person.participant_id}"
    return f"comparison:{person.comparison_person_id}"


def extract_csv(evaluation: Evaluation, *, actor, federation) -> str:
    """The extract as CSV (UTF-8 with BOM for Excel), with its own audit entry."""
    by_participant, by_person = payments(evaluation)
    result = evaluation.result
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_writer(out, lineterminator="\n")  # formula-safe cells
    writer.writerow(COLUMNS)
    for index, person in enumerate(evaluation.people):
        paid = (
            by_participant.get(person.participant_id)
            if person.participant_id
            else by_person.get(person.comparison_person_id)
        )
        before = after = ""
        if paid:
            start = month_index(person.start_date)
            before = sum(paid.get(m, 0) for m in range(start - WINDOW, start))
            if person.end_date:
                end = month_index(person.end_date)
                after = sum(paid.get(m, 0) for m in range(end + 1, end + 1 + WINDOW))
        v = person.values
        writer.writerow(
            [
                pseudonym(federation, _person_key(person)),
                "deltagare" if person.treated else "jämförelse",
                person.group,
                f"{person.start_date:%Y-%m}",
                f"{person.end_date:%Y-%m}" if person.end_date else "",
                v["age"],
                v["gender"],
                v["af_code"],
                "|".join(v["income"]),
                "" if v["years_in_sweden"] is None else v["years_in_sweden"],
                v["education"],
                v["time_outside"],
                1 if person.outcome else 0,
                f"{result.propensity[index]:.4f}" if result.propensity else "",
                f"{result.weights[index]:.4f}" if result.weights else "",
                before,
                after,
            ]
        )
    audit.log(
        actor=actor,
        action=audit.Action.EXPORT,
        object_type="evaluation_extract",
        object_id=evaluation.intervention.code,
        federation=federation,
        reason="pseudonymiserat underlag för extern utvärdering",
        detail={
            "comparison": [c.code for c in evaluation.comparisons],
            "rows": len(evaluation.people),
            "n_treated": result.n_treated,
            "n_comparison": result.n_comparison,
        },
    )
    return out.getvalue()
