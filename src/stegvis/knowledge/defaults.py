"""The methods every federation starts with: those the good-examples report and SPEC §2 name.
Plain data, also read by the migration that replaced the intervention's list of method names.

(code, name, description, target group, staff demands, references, other names it was written as)
"""

from __future__ import annotations

DEFAULT_METHODS: list[tuple[str, str, str, str, str, str, tuple[str, ...]]] = [
    (
        "LF",
        "Lösningsfokuserat arbetssätt",
        "Samtal som utgår från det som redan fungerar och från personens egna mål, med små "
        "konkreta steg i stället för att kartlägga problem.",
        "Personer långt från arbetsmarknaden som behöver hitta egna drivkrafter.",
        "Utbildning i lösningsfokuserat förhållningssätt (2–5 dagar) och handledning.",
        "Socialstyrelsen, Metodguiden: lösningsfokuserad korttidsterapi",
        ("lösningsfokuserat", "lf lösningsfokuserat"),
    ),
    (
        "MI",
        "Motiverande samtal (MI)",
        "Samtalsmetod som stärker personens egen motivation till förändring genom öppna frågor, "
        "reflektioner och sammanfattningar.",
        "Deltagare som är tveksamma till förändring, t.ex. efter lång tid utan arbete.",
        "Grundutbildning i MI och regelbunden kodning eller handledning av samtal.",
        "Socialstyrelsen, Metodguiden: MI – motiverande samtal\nmotivationalinterviewing.org",
        ("motiverande samtal",),
    ),
    (
        "KBT",
        "Kognitiv beteendeterapi (KBT)",
        "Strukturerad behandling av tankar och beteenden som hindrar, t.ex. vid oro, nedstämdhet "
        "eller sömnproblem, ofta som del av en rehabiliteringsplan.",
        "Deltagare med lättare psykisk ohälsa.",
        "Legitimerad psykoterapeut eller personal med steg 1-utbildning i KBT.",
        "Socialstyrelsen, Nationella riktlinjer för vård vid depression och ångestsyndrom",
        ("kognitiv beteendeterapi",),
    ),
    (
        "TREPART",
        "Trepartssamtal",
        "Gemensamt samtal mellan deltagaren och handläggare från två eller tre huvudmän (AF, FK, "
        "kommun, region) om en samordnad planering.",
        "Deltagare med stöd från flera myndigheter samtidigt.",
        "Handläggare med mandat att fatta beslut i sin organisation; en samordnare som kallar.",
        "Försäkringskassan, Avstämningsmöte och trepartssamtal",
        ("trepartssamtal", "trepartsmöte", "trepartsmöten"),
    ),
    (
        "HALSA",
        "Hälsokurser",
        "Kurser i grupp om sömn, kost, fysisk aktivitet och stress, ofta med en friskvårdsdel.",
        "Deltagare där hälsan är ett hinder för arbete eller studier.",
        "Hälsopedagog, fysioterapeut eller arbetsterapeut; tolk vid behov.",
        "Folkhälsomyndigheten, Fysisk aktivitet i sjukdomsprevention och behandling (FYSS)",
        ("hälsokurs", "hälsoskola"),
    ),
    (
        "MENTOR",
        "Mentorer och guider",
        "En mentor eller guide, ofta med egen erfarenhet av att vara ny i Sverige, följer "
        "deltagaren till möten, arbetsplatser och föreningar.",
        "Nyanlända och andra som behöver en väg in i arbetsliv och föreningsliv.",
        "Rekrytering och introduktion av mentorer, regelbundna träffar med samordnaren.",
        "",
        ("mentorer", "guider", "mentor"),
    ),
    (
        "SPRAK-ARB",
        "Språkträning på arbetsplatsen",
        "Svenska lärs i arbetet: handledare på arbetsplatsen och språkstöd knutet till "
        "arbetsuppgifterna.",
        "Nyanlända i praktik eller anställning som behöver svenska för arbetet.",
        "Handledare på arbetsplatsen och en språkpedagog som kommer dit.",
        "Skolverket, Språkutvecklande arbetssätt i yrkesutbildning",
        ("språkträning", "språk på arbetsplatsen"),
    ),
    (
        "IPS",
        "Supported employment (IPS)",
        "Individuellt stöd till arbete på den reguljära arbetsmarknaden: snabb jobbsökning efter "
        "personens önskemål, med fortsatt stöd på arbetsplatsen.",
        "Personer med psykisk funktionsnedsättning eller långvarig ohälsa som vill arbeta.",
        "Arbetsspecialister med IPS-utbildning; återkommande trohetsmätning.",
        "Socialstyrelsen, Nationella riktlinjer för vård och stöd vid schizofreni (IPS)\n"
        "ipsworks.org",
        ("supported employment", "se", "ips supported employment"),
    ),
]


def match_default(value: str):
    """The default method a free-text method name stands for, or None."""
    wanted = value.strip().lower()
    for method in DEFAULT_METHODS:
        code, name, *_rest, aliases = method
        if wanted in {code.lower(), name.lower(), *aliases}:
            return method
    return None
