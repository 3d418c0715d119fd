"""The defaults a federation starts with; it may relabel, reorder and switch them off."""

from __future__ import annotations

# key, label, description, anchors for 1..5
DIMENSIONS: list[tuple[str, str, str, list[str]]] = [
    (
        "language",
        "Språk",
        "Att förstå och använda svenska i vardag och arbete.",
        [
            "Förstår och talar nästan ingen svenska",
            "Klarar enkla fraser och hälsningar",
            "Klarar vardagssamtal med stöd",
            "Klarar de flesta samtal och enkla texter",
            "Klarar arbete eller studier på svenska",
        ],
    ),
    (
        "health",
        "Hälsa",
        "Fysisk och psykisk hälsa som påverkar vardag och aktivitet.",
        [
            "Hälsan hindrar nästan all aktivitet",
            "Hälsan begränsar mycket; behöver vård eller stöd",
            "Klarar aktivitet några timmar i veckan",
            "Klarar aktivitet på halvtid",
            "Hälsan hindrar inte arbete eller studier",
        ],
    ),
    (
        "network",
        "Socialt nätverk",
        "Kontakter och sammanhang utanför hemmet.",
        [
            "Isolerad, har ingen att vända sig till",
            "Några få kontakter, mest familjen",
            "Har kontakter utanför familjen, t.ex. i en förening",
            "Deltar regelbundet i sammanhang utanför hemmet",
            "Brett nätverk som också kan leda till arbete",
        ],
    ),
    (
        "work_readiness",
        "Arbetsberedskap",
        "Hur nära arbete eller studier personen är.",
        [
            "Långt från arbete; oklart vad som är möjligt",
            "Vet vad hon eller han vill men behöver mycket stöd",
            "Klarar arbetsträning eller praktik med stöd",
            "Klarar praktik eller arbete med visst stöd",
            "Redo för arbete eller studier",
        ],
    ),
    (
        "self_confidence",
        "Självförtroende",
        "Tron på den egna förmågan att påverka sin situation.",
        [
            "Tror inte på sin egen förmåga",
            "Tvekar ofta och behöver mycket uppmuntran",
            "Tror på sin förmåga i bekanta situationer",
            "Tar egna initiativ",
            "Är trygg i sin förmåga och planerar framåt",
        ],
    ),
]

# group, [(key, label)]
INTERESTS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Idrott och hälsa",
        [
            ("promenader", "Promenader och friluftsliv"),
            ("fotboll", "Fotboll"),
            ("simning", "Simning"),
            ("cykling", "Cykling"),
            ("traning", "Träning och gym"),
        ],
    ),
    (
        "Kultur och skapande",
        [
            ("musik", "Musik"),
            ("teater", "Teater"),
            ("hantverk", "Konst och hantverk"),
            ("matlagning", "Matlagning"),
            ("schack", "Schack och spel"),
        ],
    ),
    (
        "Natur och samhälle",
        [
            ("odling", "Odling och trädgård"),
            ("natur", "Natur och miljö"),
            ("foreningsliv", "Föreningsliv och volontärarbete"),
            ("sprakcafe", "Språkcafé och samtalsgrupper"),
        ],
    ),
    (
        "Yrkesområden",
        [
            ("vard", "Vård och omsorg"),
            ("barn", "Barn och förskola"),
            ("bygg", "Bygg och anläggning"),
            ("handel", "Handel och service"),
            ("restaurang", "Restaurang och kök"),
            ("transport", "Transport och lager"),
            ("stad", "Städ och fastighet"),
            ("it", "Data och IT"),
        ],
    ),
]
