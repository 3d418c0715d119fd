"""Import kinds of the evaluation app, through the one import pipeline (stegvis.imports):
a comparison cohort with intake variables and outcomes, and ekonomiskt bistånd per person and
month. Every row is checked first; any error names its row and field and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.db import transaction

from stegvis.core import audit, reference
from stegvis.core.crypto import lookup_hash
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number
from stegvis.core.roles import Perm
from stegvis.evaluation.forms import parse_month
from stegvis.evaluation.models import BenefitPayment, ComparisonCohort, ComparisonPerson
from stegvis.evaluation.services import lookup_pseudonym
from stegvis.imports.kinds import ImportKind, RowErrors, register
from stegvis.imports.tables import Columns, data_rows, iso_date

COHORT_COLUMNS = Columns(
    required=("gender", "start_date"),
    optional=(
        "personnummer", "pseudonym", "birth_year", "af_code_before", "income_source_before",
        "arrival_year", "education_level", "time_outside", "end_date", "work_or_studies",
        "bistand_month", "bistand_amount",
    ),
    any_of=("personnummer", "pseudonym"),
)  # fmt: skip
BENEFIT_COLUMNS = Columns(
    required=("month", "amount"),
    optional=("personnummer", "participant", "pseudonym", "cohort"),
    any_of=("personnummer", "participant", "pseudonym"),
)
YES = {"ja", "j", "1", "true", "yes"}
NO = {"nej", "n", "0", "false", "no"}


def _identity(row: dict, line: int, errors: list[str]) -> tuple[str, int | None]:
    """(look-up hash, birth year from the number or None)."""
    number = row.get("personnummer", "")
    alias = row.get("pseudonym", "")
    if number:
        try:
            parsed = parse_personal_number(number)
        except PersonalNumberError as exc:
            errors.append(f"Rad {line}, fält personnummer: {exc}")
            return "", None
        return lookup_hash(parsed), parsed.birth_date.year if parsed.birth_date else None
    if alias:
        return lookup_pseudonym(alias), None
    errors.append(f"Rad {line}, fält personnummer: ange personnummer eller pseudonym.")
    return "", None


def _year(value: str, line: int, field: str, errors: list[str]) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2100:
        errors.append(f"Rad {line}, fält {field}: '{value}' är inget årtal (ÅÅÅÅ).")
        return None
    return int(value)


def _key(kind: str, value: str, line: int, field: str, errors: list[str]) -> str:
    if value and value not in reference.keys(kind):
        errors.append(
            f"Rad {line}, fält {field}: '{value}' finns inte i kodlistan "
            f"({', '.join(reference.keys(kind))})."
        )
    return value


# --- Comparison cohort ---------------------------------------------------------------------


class CohortOptions(forms.Form):
    code = forms.SlugField(
        label="Jämförelsegruppens kod",
        max_length=30,
        help_text="Finns gruppen redan läggs personerna till (samma person uppdateras).",
    )
    name = forms.CharField(label="Namn", max_length=200, required=False)
    intervention = forms.ModelChoiceField(
        label="Jämförs med insatsen", queryset=None, required=False, empty_label="(ingen)"
    )

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        from stegvis.interventions.models import Intervention

        self.fields["intervention"].queryset = Intervention.objects.filter(
            kind=Intervention.Kind.INDIVIDUAL
        ).order_by("code")

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if (
            code
            and not data.get("name")
            and not ComparisonCohort.objects.filter(code=code).exists()
        ):
            self.add_error("name", "Ange ett namn för den nya jämförelsegruppen.")
        return data

    def as_options(self) -> dict:
        intervention = self.cleaned_data.get("intervention")
        return {
            "code": self.cleaned_data["code"],
            "name": self.cleaned_data.get("name", ""),
            "intervention": intervention.pk if intervention else None,
        }


@dataclass
class CohortRow:
    line: int
    person_hash: str
    fields: dict
    payment: tuple[date, int] | None


def parse_cohort(text: str, *, options: dict, membership, progress=None) -> list[CohortRow]:
    genders = reference.keys(reference.Kind.GENDER)
    errors: list[str] = []
    rows: list[CohortRow] = []
    seen: dict[str, int] = {}
    for line, row in data_rows(text):
        if row is None:
            errors.append(f"Rad {line}: fler värden än kolumner.")
            continue
        before = len(errors)
        person_hash, born = _identity(row, line, errors)
        birth_year = _year(row.get("birth_year", ""), line, "birth_year", errors) or born
        if birth_year is None and len(errors) == before:
            errors.append(f"Rad {line}, fält birth_year: födelseår saknas.")
        gender = row["gender"].lower()
        if gender not in genders:
            errors.append(
                f"Rad {line}, fält gender: '{row['gender']}' ska vara {', '.join(genders)}."
            )
        start = iso_date(row["start_date"])
        if start is None:
            errors.append(
                f"Rad {line}, fält start_date: '{row['start_date']}' är inget datum (ÅÅÅÅ-MM-DD)."
            )
        end = None
        if row.get("end_date"):
            end = iso_date(row["end_date"])
            if end is None:
                errors.append(
                    f"Rad {line}, fält end_date: '{row['end_date']}' är inget datum (ÅÅÅÅ-MM-DD)."
                )
            elif start and end < start:
                errors.append(f"Rad {line}, fält end_date: slutdatumet ligger före start_date.")
        outcome_text = row.get("work_or_studies", "").lower()
        outcome = True if outcome_text in YES else False if outcome_text in NO else None
        if outcome_text and outcome is None:
            errors.append(
                f"Rad {line}, fält work_or_studies:"
                f" '{row['work_or_studies']}' ska vara ja eller nej."
            )
        if outcome is not None and not row.get("end_date"):
            errors.append(f"Rad {line}, fält end_date: utfallet behöver ett utfallsdatum.")
        incomes = [s.strip() for s in row.get("income_source_before", "").split("|") if s.strip()]
        for source in incomes:
            _key(reference.Kind.INCOME_SOURCE, source, line, "income_source_before", errors)
        payment = None
        if row.get("bistand_month") or row.get("bistand_amount"):
            try:
                month = parse_month(row.get("bistand_month", ""))
            except forms.ValidationError as exc:
                errors.append(f"Rad {line}, fält bistand_month: {exc.messages[0]}")
                month = None
            amount = row.get("bistand_amount", "")
            if not amount.isdigit():
                errors.append(
                    f"Rad {line}, fält bistand_amount: '{amount}' är inget belopp i hela kronor."
                )
            elif month:
                payment = (month, int(amount))
        codes = {
            field: _key(kind, row.get(field, ""), line, field, errors)
            for field, kind in (
                ("af_code_before", reference.Kind.AF_CODE),
                ("education_level", reference.Kind.EDUCATION_LEVEL),
                ("time_outside", reference.Kind.TIME_OUTSIDE),
            )
        }
        arrival = _year(row.get("arrival_year", ""), line, "arrival_year", errors)
        if person_hash and payment is None and person_hash in seen:
            errors.append(f"Rad {line}: samma person finns redan på rad {seen[person_hash]}.")
        if len(errors) > before:
            continue
        seen.setdefault(person_hash, line)
        rows.append(
            CohortRow(
                line=line,
                person_hash=person_hash,
                fields={
                    "birth_year": birth_year,
                    "gender": gender,
                    "start_date": start,
                    "end_date": end,
                    "work_or_studies": outcome,
                    "af_code_before": codes["af_code_before"],
                    "income_sources_before": incomes,
                    "arrival_year": arrival,
                    "education_level": codes["education_level"],
                    "time_outside": codes["time_outside"],
                },
                payment=payment,
            )
        )
        if progress:
            progress(len(rows))
    if errors:
        raise RowErrors(errors)
    return rows


@transaction.atomic
def commit_cohort(
    rows: list[CohortRow], *, options: dict, actor, membership, progress=None
) -> dict:
    from stegvis.interventions.models import Intervention

    cohort = ComparisonCohort.objects.filter(code=options["code"]).first()
    created_cohort = cohort is None
    if cohort is None:
        intervention = (
            Intervention.objects.filter(pk=options["intervention"]).first()
            if options.get("intervention")
            else None
        )
        cohort = ComparisonCohort.objects.create(
            code=options["code"],
            name=options["name"] or options["code"],
            intervention=intervention,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
    existing = {p.person_hash: p for p in ComparisonPerson.objects.filter(cohort=cohort)}
    created = updated = payments = 0
    for done, row in enumerate(rows, start=1):
        person = existing.get(row.person_hash)
        if person is None:
            person = ComparisonPerson(cohort=cohort, person_hash=row.person_hash, **row.fields)
            person.save()
            existing[row.person_hash] = person
            created += 1
        elif row.payment is None or row.fields != _fields_of(person):
            for name, value in row.fields.items():
                setattr(person, name, value)
            person.save()
            updated += 1
        if row.payment:
            BenefitPayment.objects.update_or_create(
                comparison_person=person,
                month=row.payment[0],
                defaults={"amount": row.payment[1]},
            )
            payments += 1
        if progress:
            progress(done)
    audit.log(
        actor=actor,
        action=audit.Action.CREATE if created_cohort else audit.Action.UPDATE,
        obj=cohort,
        reason="import av jämförelsegrupp",
        detail={"created": created, "updated": updated, "payments": payments},
    )
    return {"rows": len(rows), "created": created, "updated": updated, "payments": payments}


def _fields_of(person: ComparisonPerson) -> dict:
    return {
        "birth_year": person.birth_year,
        "gender": person.gender,
        "start_date": person.start_date,
        "end_date": person.end_date,
        "work_or_studies": person.work_or_studies,
        "af_code_before": person.af_code_before,
        "income_sources_before": person.income_sources_before,
        "arrival_year": person.arrival_year,
        "education_level": person.education_level,
        "time_outside": person.time_outside,
    }


register(
    ImportKind(
        key="comparison_cohort",
        label="Jämförelsegrupp (för effektutvärdering)",
        columns=COHORT_COLUMNS,
        help="En rad per person som inte deltog, t.ex. ur kommunens register över ekonomiskt "
        "bistånd. personnummer (lagras bara som sökbar kod, aldrig som nummer) eller pseudonym, "
        "gender (kvinna, man, annat), start_date (referensdatum, ÅÅÅÅ-MM-DD) och birth_year "
        "(behövs bara med pseudonym). Frivilligt: af_code_before, income_source_before (flera "
        "skiljs med |), arrival_year, education_level, time_outside (nycklar ur kodlistorna), "
        "end_date och work_or_studies (ja/nej) för utfallet, bistand_month (ÅÅÅÅ-MM) och "
        "bistand_amount (kr) för utbetalt ekonomiskt bistånd – en rad per månad går bra. "
        "Samma person i samma grupp uppdateras.",
        # The federation administrator sets up comparison groups: people outside stegvis,
        # stored only as look-up codes or pseudonyms; nothing about them is shown.
        perms=(Perm.MANAGE_FEDERATION,),
        options_form=CohortOptions,
        parse=parse_cohort,
        commit=commit_cohort,
        result_labels={
            "rows": "Rader i filen",
            "created": "Nya personer",
            "updated": "Uppdaterade personer",
            "payments": "Månader med ekonomiskt bistånd",
        },
    )
)


# --- Ekonomiskt bistånd per person and month -------------------------------------------------


@dataclass
class BenefitRow:
    line: int
    participant_id: int | None
    comparison_person_id: int | None
    month: date
    amount: int


def parse_benefits(text: str, *, options: dict, membership, progress=None) -> list[BenefitRow]:
    from stegvis.participants.selectors import participants_in_scope

    errors: list[str] = []
    parsed = []
    for line, row in data_rows(text):
        if row is None:
            errors.append(f"Rad {line}: fler värden än kolumner.")
            continue
        before = len(errors)
        try:
            month = parse_month(row["month"])
        except forms.ValidationError as exc:
            errors.append(f"Rad {line}, fält month: {exc.messages[0]}")
            month = None
        amount = row["amount"].replace(" ", "")
        if not amount.isdigit():
            errors.append(
                f"Rad {line}, fält amount: '{row['amount']}' är inget belopp i hela kronor."
            )
        cohort = row.get("cohort", "")
        reference_ = row.get("participant", "")
        key = ""
        if reference_ and not cohort:
            if not (reference_.upper().startswith("D-") and reference_[2:].isdigit()):
                errors.append(
                    f"Rad {line}, fält participant: '{reference_}' ska se ut som D-000123."
                )
        elif row.get("personnummer") or row.get("pseudonym"):
            key, _born = _identity(row, line, errors)
        else:
            errors.append(f"Rad {line}: ange personnummer, pseudonym eller participant.")
        if len(errors) == before:
            parsed.append((line, cohort, reference_, key, month, int(amount)))
    # Every row is checked before anything is reported: the file is fixed in one go.
    scope = participants_in_scope(membership)
    by_hash = dict(
        scope.filter(
            personal_number_hash__in={k for _l, c, _r, k, _m, _a in parsed if k and not c}
        ).values_list("personal_number_hash", "pk")
    )
    refs = {int(r[2:]) for _l, c, r, _k, _m, _a in parsed if r and not c}
    in_scope = set(scope.filter(pk__in=refs).values_list("pk", flat=True))
    cohorts = {c.code: c for c in ComparisonCohort.objects.all()}
    people = {
        (p.cohort_id, p.person_hash): p.pk
        for p in ComparisonPerson.objects.filter(
            person_hash__in={k for _l, c, _r, k, _m, _a in parsed if c}
        )
    }
    rows = []
    may_cohort = membership.has_perm(Perm.MANAGE_FEDERATION)
    for line, cohort_code, ref, key, month, amount in parsed:
        if cohort_code:
            cohort = cohorts.get(cohort_code)
            if cohort is None or not may_cohort:
                errors.append(
                    f"Rad {line}, fält cohort: jämförelsegruppen '{cohort_code}' finns inte."
                )
                continue
            person = people.get((cohort.pk, key))
            if person is None:
                errors.append(f"Rad {line}: personen finns inte i jämförelsegruppen {cohort_code}.")
                continue
            rows.append(BenefitRow(line, None, person, month, amount))
            continue
        pk = int(ref[2:]) if ref else by_hash.get(key)
        if pk is None or (ref and pk not in in_scope):
            errors.append(
                f"Rad {line}: deltagaren finns inte bland de deltagare du har tillgång till."
            )
            continue
        rows.append(BenefitRow(line, pk, None, month, amount))
    errors.sort(key=_row_number)
    seen: dict[tuple, int] = {}
    for row in rows:
        key = (row.participant_id, row.comparison_person_id, row.month)
        if key in seen:
            errors.append(f"Rad {row.line}: samma person och månad finns redan på rad {seen[key]}.")
        seen.setdefault(key, row.line)
    if errors:
        raise RowErrors(errors)
    return rows


def _row_number(message: str) -> int:
    digits = message.split(",")[0].split(":")[0].removeprefix("Rad ")
    return int(digits) if digits.isdigit() else 0


@transaction.atomic
def commit_benefits(
    rows: list[BenefitRow], *, options: dict, actor, membership, progress=None
) -> dict:
    created = updated = 0
    for done, row in enumerate(rows, start=1):
        _payment, was_created = BenefitPayment.objects.update_or_create(
            participant_id=row.participant_id,
            comparison_person_id=row.comparison_person_id,
            month=row.month,
            defaults={
                "amount": row.amount,
                "recorded_by": actor if getattr(actor, "pk", None) else None,
            },
        )
        created += was_created
        updated += not was_created
        if progress:
            progress(done)
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="benefitpayment",
        reason="import av ekonomiskt bistånd",
        detail={"created": created, "updated": updated},
    )
    return {"rows": len(rows), "created": created, "updated": updated}


register(
    ImportKind(
        key="benefits",
        label="Ekonomiskt bistånd per månad",
        columns=BENEFIT_COLUMNS,
        help="En rad per person och månad: month (ÅÅÅÅ-MM) och amount (utbetalt ekonomiskt "
        "bistånd i hela kronor), och vem: personnummer eller participant (deltagarens "
        "referens, t.ex. D-000123) för deltagare; cohort (jämförelsegruppens kod) med "
        "personnummer eller pseudonym för en person i en jämförelsegrupp. Redan registrerad "
        "månad skrivs över med filens belopp.",
        perms=(Perm.MANAGE_FEDERATION, Perm.REGISTER_PARTICIPANTS),
        parse=parse_benefits,
        commit=commit_benefits,
        result_labels={"rows": "Rader i filen", "created": "Nya månader", "updated": "Ändrade"},
    )
)
