"""Register extract (registerutdrag) for one person: what stegvis holds about them (GDPR art. 15).

The same content as JSON and as a PDF the person can take home. Other apps add their sections
through ``EXTRACT_SECTIONS``.
"""

from __future__ import annotations

from stegvis.core import pdf, reference
from stegvis.participants.models import Participant

# Other apps add functions(participant, ids) -> (title, list of dicts) for their records;
# ``ids`` are the interventions the extract covers (None: every one).
EXTRACT_SECTIONS: list = []


def in_interventions(qs, ids):
    """The rows (with an ``enrolment``) of the interventions an extract covers (``None``: all of
    them): the filter every app's extract section applies."""
    return qs if ids is None else qs.filter(enrolment__intervention_id__in=ids)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def build_extract(participant: Participant, ids: frozenset[int] | None = None) -> dict:
    """What stored about the person the extract covers: the interventions ``ids`` (the ones
    the viewer sees on the page, ``selectors.visible_intervention_ids``), or every one
    (``None``) for the extract on the data subject's own request."""

    def covered(qs, field="intervention_id"):
        return qs if ids is None else qs.filter(**{f"{field}__in": ids})

    labels = {kind: reference.labels(kind) for kind in reference.Kind.values}
    person = {
        "referens": participant.reference,
        "anonym": participant.is_anonymous,
        "skyddad_identitet": participant.protected_identity,
        "kön": participant.get_gender_display(),
        "födelseår": participant.birth_year,
        "kommun": participant.municipality,
    }
    if not participant.is_anonymous and not participant.identity_masked:
        person.update(
            {
                "personnummer": participant.personal_number,
                "förnamn": participant.first_name,
                "efternamn": participant.last_name,
                "födelsedatum": _date(participant.birth_date),
                "född_utomlands": participant.born_abroad,
                "födelseland": participant.country_of_birth,
                "ankomstår": participant.arrival_year,
                "språk": participant.languages,
                "behöver_tolk": participant.interpreter_needed,
                "tolkspråk": participant.interpreter_language,
                "utbildningsnivå": labels["education_level"].get(participant.education_level, ""),
                "telefon": participant.phone,
                "e-post": participant.email,
                "adress": participant.address,
            }
        )
    consents = [
        {
            "insats": c.intervention.name,
            "omfattning": c.get_scope_display(),
            "hur": c.get_method_display(),
            "datum": _date(c.given_on),
            "återkallat": _date(c.withdrawn_on),
        }
        for c in covered(participant.consents.select_related("intervention"))
    ]
    referrals = [
        {
            "insats": r.intervention.name,
            "anvisad": _date(r.referred_on),
            "skäl": r.reason,
            "beslut": r.get_status_display(),
            "beslutsdatum": _date(r.decided_on),
            "behörighet": [e["explanation"] for e in r.eligibility],
        }
        for r in covered(participant.referrals.select_related("intervention"))
    ]
    income = labels["income_source"]
    enrolments = [
        {
            "insats": e.intervention.name,
            "start": _date(e.start_date),
            "slut": _date(e.end_date),
            "huvudkontakt": e.main_contact.user.display_name() if e.main_contact else None,
            "försörjning_vid_start": [income.get(k, k) for k in e.income_sources_before],
            "af_kod_vid_start": labels["af_code"].get(e.af_code_before, e.af_code_before),
            "avslutsorsak": labels["exit_reason"].get(e.exit_reason, e.exit_reason),
            "försörjning_vid_avslut": [income.get(k, k) for k in e.income_sources_after],
            "af_kod_vid_avslut": labels["af_code"].get(e.af_code_after, e.af_code_after),
            "uppföljningar": [
                {
                    "månader": f.months,
                    "ska_göras": _date(f.due_on),
                    "status": f.get_status_display(),
                    "gjord": _date(f.done_on),
                    "sysselsättning": f.get_situation_display() if f.situation else None,
                    "försörjning": [income.get(k, k) for k in f.income_sources],
                    "af_kod": labels["af_code"].get(f.af_code, f.af_code),
                }
                for f in e.followups.all()
            ],
        }
        for e in covered(
            participant.enrolments.select_related("intervention", "main_contact__user")
        ).prefetch_related("followups")
    ]
    extract = {
        "person": person,
        "samtycken": consents,
        "anvisningar": referrals,
        "deltaganden": enrolments,
    }
    for section in EXTRACT_SECTIONS:
        title, items = section(participant, ids)
        extract[title] = items
    return extract


def _fmt(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, list):
        separator = "; " if any(isinstance(v, dict) for v in value) else ", "
        return separator.join(_fmt_item(v) for v in value) or "–"
    return str(value)


def _fmt_item(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {_fmt(v)}" for k, v in value.items())
    return str(value)


def extract_pdf(
    participant: Participant, federation_name: str, today, ids: frozenset[int] | None = None
) -> bytes:
    data = build_extract(participant, ids)
    intro = (
        "Det här är alla uppgifter som finns om dig i stegvis. Om något är fel har du rätt "
        "att få det rättat. Kontakta din huvudkontakt eller förbundet."
        if ids is None
        else "Utdrag med de uppgifter om personen som hör till de insatser du arbetar i. "
        "Ett fullständigt registerutdrag på den registrerades begäran görs av förbundet."
    )
    blocks: list = [
        pdf.Paragraph(intro),
        pdf.Heading("Personuppgifter"),
        pdf.KeyValues(
            [(k.replace("_", " ").capitalize(), _fmt(v)) for k, v in data["person"].items()]
        ),
    ]
    for title in [k for k in data if k != "person"]:
        blocks.append(pdf.Heading(title.replace("_", " ").capitalize()))
        items = data[title]
        if not items:
            blocks.append(pdf.Paragraph("Inga uppgifter."))
        for item in items:
            blocks.append(
                pdf.KeyValues(
                    [(k.replace("_", " ").capitalize(), _fmt(v)) for k, v in item.items()]
                )
            )
    return pdf.render_pdf(
        title="Registerutdrag",
        subtitle=f"{federation_name} · utskrivet {today:%Y-%m-%d}",
        blocks=blocks,
        footer="Utdraget är skapat i stegvis. Uttaget är loggat.",
    )
