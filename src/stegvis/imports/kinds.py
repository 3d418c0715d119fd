"""What can be imported through the web. Each kind parses CSV text (all rows checked, Swedish
errors per row and field) and commits parsed rows in one transaction.

A kind's ``commit`` receives ``progress(done)`` to call as it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms

from stegvis.core.roles import Perm


class RowErrors(Exception):
    """Some rows are wrong; nothing is written. ``messages`` name row and field in Swedish."""

    def __init__(self, messages: list[str], total: int | None = None):
        self.messages = messages
        self.total = total if total is not None else len(messages)
        super().__init__("\n".join(messages))


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str
    columns: tuple[str, ...]
    help: str
    perm: str
    options_form: Callable[..., forms.Form]
    parse: Callable  # (text, *, options, membership) -> list of rows; raises RowErrors
    commit: Callable  # (rows, *, options, actor, membership, progress) -> dict


KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    KINDS[kind.key] = kind


# --- Enrolments (historical episodes, SPEC §7–§8) -------------------------------------------


class EnrolmentOptions(forms.Form):
    intervention = forms.ModelChoiceField(label="Insats", queryset=None, empty_label=None)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        from stegvis.participants.access import interventions_in_scope

        self.fields["intervention"].queryset = (
            interventions_in_scope(membership).filter(kind="individual").order_by("code")
        )

    def as_options(self) -> dict:
        return {"intervention": self.cleaned_data["intervention"].pk}


def _enrolment_parse(text: str, *, options: dict, membership) -> list:
    from django.utils import timezone

    from stegvis.participants import importing

    try:
        return importing.parse_enrolments(
            text, keys=importing.ReferenceKeys.current(), today=timezone.localdate()
        )
    except importing.ImportFailed as exc:
        raise RowErrors([str(e) for e in exc.errors]) from exc


def _enrolment_commit(rows: list, *, options: dict, actor, membership, progress) -> dict:
    from dataclasses import asdict

    from django.db import transaction
    from django.shortcuts import get_object_or_404

    from stegvis.participants import importing
    from stegvis.participants.access import interventions_in_scope

    intervention = get_object_or_404(interventions_in_scope(membership), pk=options["intervention"])
    totals: dict[str, int] = {}
    chunk = 5000
    try:
        with transaction.atomic():
            for start in range(0, len(rows), chunk):
                result = importing.enrolments_import(
                    actor=actor, intervention=intervention, rows=rows[start : start + chunk]
                )
                for key, value in asdict(result).items():
                    totals[key] = totals.get(key, 0) + value
                progress(min(len(rows), start + chunk))
    except importing.ImportFailed as exc:
        raise RowErrors([str(e) for e in exc.errors]) from exc
    return totals


register(
    ImportKind(
        key="enrolments",
        label="Deltaganden (historik)",
        columns=(
            "personnummer",
            "gender",
            "start_date",
            "end_date",
            "exit_reason",
            "af_code_before",
            "af_code_after",
            "income_source_before",
            "income_source_after",
        ),
        help="En rad per deltagande. Datum som ÅÅÅÅ-MM-DD. end_date och exit_reason hör ihop. "
        "Flera försörjningskällor skiljs med |. Samma personnummer, insats och startdatum "
        "importeras bara en gång.",
        perm=Perm.REGISTER_PARTICIPANTS,
        options_form=EnrolmentOptions,
        parse=_enrolment_parse,
        commit=_enrolment_commit,
    )
)
