"""The questionnaires a federation starts with (SPEC §9). Swedish is the source text; every other
language is a machine-made translation, stored with ``machine_translated`` so that a person
reviews it before the results are used outside the federation.

Each question: ``(key, kind, dimension, {language: text or (text, low end, high end)},
options)``; options: ``[(value, {language: text})]``. A scale runs from 1 to 5.
"""

from __future__ import annotations

PARTICIPANT_LANGUAGES = ("sv", "ar", "prs", "so", "ti", "en", "uk")
STAFF_LANGUAGES = ("sv", "en")

SCALE, SINGLE, MULTIPLE, YES_NO, TEXT = "scale", "single", "multiple", "yes_no", "text"

AGREE_LOW = {"sv": "Instämmer inte alls", "en": "Strongly disagree"}
AGREE_HIGH = {"sv": "Instämmer helt", "en": "Strongly agree"}


def _agree(statements: list[tuple[str, str, str]]) -> list[tuple]:
    """Statements on the agreement scale: ``(key, swedish, english)``."""
    return [
        (
            key,
            SCALE,
            "",
            {
                "sv": (sv, AGREE_LOW["sv"], AGREE_HIGH["sv"]),
                "en": (en, AGREE_LOW["en"], AGREE_HIGH["en"]),
            },
            [],
        )
        for key, sv, en in statements
    ]


PARTICIPANT = {
    "code": "deltagare",
    "audience": "participant",
    "texts": {
        "sv": (
            "Deltagarenkät",
            "Svara så gott du kan. Det finns inga rätta eller felaktiga svar.",
        ),
        "ar": (
            "استبيان المشاركين",
            "أجب عن الأسئلة بقدر ما تستطيع. لا توجد إجابات صحيحة أو خاطئة.",
        ),
        "prs": (
            "پرسشنامهٔ اشتراک‌کنندگان",
            "تا جایی که می‌توانید به سوال‌ها جواب بدهید. جواب درست یا غلط وجود ندارد.",
        ),
        "so": (
            "Su'aalaha ka-qaybgalayaasha",
            "Uga jawaab su'aalaha sida ugu fiican ee aad awoodo. "
            "Ma jiraan jawaabo sax ah ama khalad ah.",
        ),
        "ti": (
            "ሕቶታት ተሳተፍቲ",
            "ክሳብ ዝኽእለኩም መጠን ንሕቶታት መልሱ። ቅኑዕ ወይ ጌጋ መልሲ የለን።",
        ),
        "en": (
            "Participant questionnaire",
            "Answer as well as you can. There are no right or wrong answers.",
        ),
        "uk": (
            "Анкета учасника",
            "Відповідайте, як можете. Правильних чи неправильних відповідей немає.",
        ),
    },
    "questions": [
        (
            "svenska",
            SCALE,
            "language",
            {
                "sv": ("Hur bra klarar du dig på svenska i vardagen?", "Inte alls", "Mycket bra"),
                "ar": (
                    "ما مدى قدرتك على التعامل باللغة السويدية في الحياة اليومية؟",
                    "لا أستطيع إطلاقاً",
                    "جيد جداً",
                ),
                "prs": (
                    "در زندگی روزمره چقدر به زبان سویدنی کار خود را پیش برده می‌توانید؟",
                    "هیچ",
                    "بسیار خوب",
                ),
                "so": (
                    "Sidee ayaad ugu fiican tahay luqadda iswiidhishka nolosha maalinlaha ah?",
                    "Haba yaraatee",
                    "Aad u fiican",
                ),
                "ti": (
                    "ኣብ መዓልታዊ ናብራ ብቋንቋ ሽወደን ክሳብ ክንደይ ትሰርሑ?",
                    "ፈጺሙ ኣይኮነን",
                    "ኣዝዩ ጽቡቕ",
                ),
                "en": (
                    "How well do you manage in Swedish in everyday life?",
                    "Not at all",
                    "Very well",
                ),
                "uk": (
                    "Наскільки добре ви даєте собі раду шведською в повсякденному житті?",
                    "Зовсім ні",
                    "Дуже добре",
                ),
            },
            [],
        ),
        (
            "halsa",
            SCALE,
            "health",
            {
                "sv": ("Hur mår du i kroppen och i sinnet just nu?", "Mycket dåligt", "Mycket bra"),
                "ar": ("كيف حالتك الصحية الجسدية والنفسية الآن؟", "سيئة جداً", "جيدة جداً"),
                "prs": ("حالا از نظر جسمی و روحی چطور هستید؟", "بسیار بد", "بسیار خوب"),
                "so": (
                    "Sidee tahay hadda jidh ahaan iyo maskax ahaanba?",
                    "Aad u xun",
                    "Aad u fiican",
                ),
                "ti": ("ሕጂ ብኣካልን ብኣእምሮን ከመይ ኣለኹም?", "ኣዝዩ ሕማቕ", "ኣዝዩ ጽቡቕ"),
                "en": ("How are you feeling in body and mind right now?", "Very bad", "Very good"),
                "uk": ("Як ви почуваєтеся зараз фізично і психічно?", "Дуже погано", "Дуже добре"),
            },
            [],
        ),
        (
            "natverk",
            SCALE,
            "network",
            {
                "sv": (
                    "Har du personer utanför familjen som du kan träffa eller be om hjälp?",
                    "Ingen alls",
                    "Många",
                ),
                "ar": (
                    "هل لديك أشخاص خارج العائلة يمكنك مقابلتهم أو طلب المساعدة منهم؟",
                    "لا أحد",
                    "كثيرون",
                ),
                "prs": (
                    "آیا کسانی بیرون از خانواده دارید که با آن‌ها دیدن کنید یا از آن‌ها کمک بخواهید؟",
                    "هیچ‌کس",
                    "زیاد",
                ),
                "so": (
                    "Ma leedahay dad ka baxsan qoyskaaga oo aad la kulmi karto "
                    "ama caawimaad weydiisan karto?",
                    "Qofna",
                    "Dad badan",
                ),
                "ti": (
                    "ካብ ስድራ ወጻኢ ክትራኸብዎም ወይ ሓገዝ ክትሓትዎም እትኽእሉ ሰባት ኣለውኹም ድዩ?",
                    "ሓደ እኳ የለን",
                    "ብዙሓት",
                ),
                "en": (
                    "Do you have people outside your family you can meet or ask for help?",
                    "No one",
                    "Many",
                ),
                "uk": (
                    "Чи є у вас люди поза родиною, з якими можна зустрітися "
                    "або попросити допомоги?",
                    "Нікого",
                    "Багато",
                ),
            },
            [],
        ),
        (
            "formaga",
            SCALE,
            "self_confidence",
            {
                "sv": (
                    "Hur mycket tror du på att du kan påverka din egen situation?",
                    "Inte alls",
                    "Helt och hållet",
                ),
                "ar": (
                    "إلى أي مدى تثق في قدرتك على التأثير في وضعك؟",
                    "لا أثق إطلاقاً",
                    "أثق تماماً",
                ),
                "prs": ("چقدر باور دارید که می‌توانید وضعیت خود را تغییر بدهید؟", "هیچ", "کاملاً"),
                "so": (
                    "Intee in le'eg ayaad aaminsan tahay inaad wax ka beddeli karto xaaladdaada?",
                    "Haba yaraatee",
                    "Gebi ahaanba",
                ),
                "ti": ("ኩነታትኩም ክትቕይሩ ከም እትኽእሉ ክሳብ ክንደይ ትኣምኑ?", "ፈጺመ ኣይኣምንን", "ምሉእ ብምሉእ"),
                "en": (
                    "How much do you believe you can change your own situation?",
                    "Not at all",
                    "Completely",
                ),
                "uk": (
                    "Наскільки ви вірите, що можете вплинути на свою ситуацію?",
                    "Зовсім ні",
                    "Повністю",
                ),
            },
            [],
        ),
        (
            "arbete",
            SCALE,
            "work_readiness",
            {
                "sv": (
                    "Hur redo känner du dig för arbete eller studier?",
                    "Inte alls redo",
                    "Helt redo",
                ),
                "ar": (
                    "إلى أي مدى تشعر بالاستعداد للعمل أو الدراسة؟",
                    "غير مستعد إطلاقاً",
                    "مستعد تماماً",
                ),
                "prs": ("چقدر برای کار یا تحصیل آماده هستید؟", "هیچ آماده نیستم", "کاملاً آماده"),
                "so": (
                    "Intee in le'eg ayaad diyaar ugu tahay shaqo ama waxbarasho?",
                    "Diyaar ma ihi",
                    "Gebi ahaanba diyaar",
                ),
                "ti": (
                    "ንስራሕ ወይ ትምህርቲ ክሳብ ክንደይ ድሉዋት ኢኹም?",
                    "ፈጺመ ድሉው ኣይኮንኩን",
                    "ምሉእ ብምሉእ ድሉው",
                ),
                "en": (
                    "How ready do you feel for work or studies?",
                    "Not ready at all",
                    "Completely ready",
                ),
                "uk": (
                    "Наскільки ви готові до роботи чи навчання?",
                    "Зовсім не готовий(-а)",
                    "Повністю готовий(-а)",
                ),
            },
            [],
        ),
        (
            "ovrigt",
            TEXT,
            "",
            {
                "sv": "Vill du berätta något mer?",
                "ar": "هل تريد أن تخبرنا بشيء آخر؟",
                "prs": "آیا می‌خواهید چیز دیگری بگویید؟",
                "so": "Ma jiraa wax kale oo aad rabto inaad noo sheegto?",
                "ti": "ካልእ ክትነግሩና እትደልዩ ነገር ኣሎ ድዩ?",
                "en": "Is there anything else you would like to tell us?",
                "uk": "Чи хочете ви розповісти ще щось?",
            },
            [],
        ),
    ],
}

AFTER_ACTIVITY = {
    "code": "efter-aktivitet",
    "audience": "participant",
    "texts": {
        "sv": ("Efter aktiviteten", "Tre korta frågor om aktiviteten du var med på."),
        "ar": ("بعد النشاط", "ثلاثة أسئلة قصيرة عن النشاط الذي شاركت فيه."),
        "prs": ("بعد از فعالیت", "سه سوال کوتاه در مورد فعالیتی که در آن اشتراک کردید."),
        "so": (
            "Hawsha kadib",
            "Saddex su'aalood oo gaaban oo ku saabsan hawsha aad ka qayb qaadatay.",
        ),
        "ti": ("ድሕሪ እቲ ንጥፈት", "ብዛዕባ እቲ ዝተሳተፍኩምሉ ንጥፈት ሰለስተ ሓጸርቲ ሕቶታት።"),
        "en": ("After the activity", "Three short questions about the activity you took part in."),
        "uk": ("Після заняття", "Три короткі запитання про заняття, у якому ви брали участь."),
    },
    "questions": [
        (
            "nytta",
            SCALE,
            "",
            {
                "sv": ("Hur mycket fick du ut av aktiviteten?", "Ingenting", "Väldigt mycket"),
                "ar": ("ما مدى استفادتك من النشاط؟", "لا شيء", "كثيراً جداً"),
                "prs": ("چقدر از این فعالیت فایده بردید؟", "هیچ", "بسیار زیاد"),
                "so": ("Intee in le'eg ayaad ka faa'iidday hawsha?", "Waxba", "Aad iyo aad"),
                "ti": ("ካብቲ ንጥፈት ክሳብ ክንደይ ተጠቒምኩም?", "ዋላ ሓንቲ", "ኣዝዩ ብዙሕ"),
                "en": ("How much did you get out of the activity?", "Nothing", "Very much"),
                "uk": ("Наскільки корисним для вас було заняття?", "Зовсім ні", "Дуже корисним"),
            },
            [],
        ),
        (
            "fick",
            MULTIPLE,
            "",
            {
                "sv": "Vad fick du ut av den? Välj alla som stämmer.",
                "ar": "ماذا استفدت منه؟ اختر كل ما ينطبق.",
                "prs": "از آن چه چیزی به دست آوردید؟ همهٔ موارد درست را انتخاب کنید.",
                "so": "Maxaad ka heshay? Dooro dhammaan kuwa saxda ah.",
                "ti": "እንታይ ረኺብኩም? ንኹሎም ዝሰማምዑ ምረጹ።",
                "en": "What did you get out of it? Choose all that apply.",
                "uk": "Що ви з цього отримали? Виберіть усе, що підходить.",
            },
            [
                (
                    "svenska",
                    {
                        "sv": "Jag övade svenska",
                        "ar": "تدربت على اللغة السويدية",
                        "prs": "زبان سویدنی را تمرین کردم",
                        "so": "Waxaan ku tababartay iswiidhish",
                        "ti": "ቋንቋ ሽወደን ተለማሚደ",
                        "en": "I practised Swedish",
                        "uk": "Я практикував(-ла) шведську",
                    },
                ),
                (
                    "kontakter",
                    {
                        "sv": "Jag träffade nya människor",
                        "ar": "تعرفت على أشخاص جدد",
                        "prs": "با آدم‌های جدید آشنا شدم",
                        "so": "Waxaan la kulmay dad cusub",
                        "ti": "ሓደስቲ ሰባት ተላሊየ",
                        "en": "I met new people",
                        "uk": "Я познайомився(-лася) з новими людьми",
                    },
                ),
                (
                    "halsa",
                    {
                        "sv": "Jag rörde på mig eller mådde bättre",
                        "ar": "تحركت أو شعرت بتحسن",
                        "prs": "حرکت کردم یا حالم بهتر شد",
                        "so": "Waan dhaqaaqay ama waan ka roonaaday",
                        "ti": "ተንቀሳቒሰ ወይ ጽቡቕ ተሰሚዑኒ",
                        "en": "I moved or felt better",
                        "uk": "Я рухався(-лася) або почувався(-лася) краще",
                    },
                ),
                (
                    "kunskap",
                    {
                        "sv": "Jag lärde mig något nytt",
                        "ar": "تعلمت شيئاً جديداً",
                        "prs": "چیز تازه‌ای یاد گرفتم",
                        "so": "Waxaan bartay wax cusub",
                        "ti": "ሓድሽ ነገር ተማሂረ",
                        "en": "I learned something new",
                        "uk": "Я дізнався(-лася) щось нове",
                    },
                ),
            ],
        ),
        (
            "igen",
            YES_NO,
            "",
            {
                "sv": "Vill du komma tillbaka?",
                "ar": "هل تريد أن تعود مرة أخرى؟",
                "prs": "آیا می‌خواهید دوباره بیایید؟",
                "so": "Ma rabtaa inaad soo laabato?",
                "ti": "ደጊምኩም ክትመጹ ትደልዩ ዶ?",
                "en": "Would you like to come back?",
                "uk": "Чи хочете ви прийти ще раз?",
            },
            [],
        ),
    ],
}

SELF_ASSESSMENT = {
    "code": "sjalvvardering",
    "audience": "working_group",
    "texts": {
        "sv": (
            "Självvärdering för arbetsgruppen",
            "Besvaras tillsammans i arbetsgruppen vid de tillfällen ni har valt.",
        ),
        "en": (
            "Working group self-assessment",
            "Answered together in the working group at the dates you have chosen.",
        ),
    },
    "questions": [
        *_agree(
            [
                (
                    "delaktighet",
                    "Deltagarna är delaktiga när aktiviteterna planeras.",
                    "Participants take part in planning the activities.",
                ),
                (
                    "individanpassning",
                    "Insatsen anpassas efter varje deltagares behov.",
                    "The intervention is adapted to each participant's needs.",
                ),
                (
                    "forankring",
                    "Arbetet är förankrat hos medlemsorganisationerna.",
                    "The work is anchored in the member organisations.",
                ),
                (
                    "samlokalisering",
                    "Vi arbetar nära varandra över organisationsgränserna.",
                    "We work closely together across organisational boundaries.",
                ),
                (
                    "tolk",
                    "Vi har tillgång till tolk när det behövs.",
                    "We have access to interpreters when needed.",
                ),
                (
                    "ledtider",
                    "Tiden från anvisning till start är kort.",
                    "The time from referral to start is short.",
                ),
                (
                    "kompetens",
                    "Vi har den kompetens som arbetet kräver.",
                    "We have the competence the work requires.",
                ),
            ]
        ),
        (
            "storsta_hinder",
            SINGLE,
            "",
            {
                "sv": "Vilket är det största hindret just nu?",
                "en": "What is the biggest obstacle right now?",
            },
            [
                ("finansiering", {"sv": "Långsiktig finansiering", "en": "Long-term funding"}),
                ("samverkan", {"sv": "Samverkan mellan parterna", "en": "Cooperation"}),
                ("tolk", {"sv": "Tolk och språk", "en": "Interpreters and language"}),
                ("personal", {"sv": "Personal och tid", "en": "Staff and time"}),
                ("annat", {"sv": "Annat", "en": "Other"}),
            ],
        ),
        (
            "framgangar",
            TEXT,
            "",
            {
                "sv": "Vad har fungerat bäst sedan förra självvärderingen?",
                "en": "What has worked best since the last self-assessment?",
            },
            [],
        ),
        (
            "hinder",
            TEXT,
            "",
            {
                "sv": "Vilka hinder har ni mött, och vad gör ni åt dem?",
                "en": "What obstacles have you met, and what are you doing about them?",
            },
            [],
        ),
    ],
}

# Modelled on the national Finsam core indicators: fixed statements on an agreement scale,
# asked of each respondent group so that federations can compare themselves over time.
INDICATOR_STAFF = {
    "code": "indikator-personal",
    "audience": "staff",
    "texts": {
        "sv": ("Indikatorenkät för personal", "Ta ställning till varje påstående."),
        "en": ("Indicator questionnaire for staff", "Say how far you agree with each statement."),
    },
    "questions": _agree(
        [
            (
                "flera_parter",
                "Deltagarna får stöd från flera parter samtidigt när de behöver det.",
                "Participants get support from several authorities at once when they need it.",
            ),
            (
                "samverkan",
                "Samverkan mellan parterna fungerar bra i det dagliga arbetet.",
                "Cooperation between the authorities works well in daily work.",
            ),
            (
                "kunskap",
                "Jag känner till de andra parternas uppdrag och regelverk.",
                "I know the other authorities' remits and rules.",
            ),
            (
                "delaktighet",
                "Deltagarna är delaktiga i planeringen av sina insatser.",
                "Participants take part in planning their own support.",
            ),
            (
                "narmare_arbete",
                "Insatsen hjälper deltagarna närmare arbete eller studier.",
                "The intervention brings participants closer to work or studies.",
            ),
        ]
    ),
}

INDICATOR_REFERRER = {
    "code": "indikator-handlaggare",
    "audience": "referrer",
    "texts": {
        "sv": (
            "Indikatorenkät för handläggare hos huvudmännen",
            "Ta ställning till varje påstående.",
        ),
        "en": (
            "Indicator questionnaire for referring case workers",
            "Say how far you agree with each statement.",
        ),
    },
    "questions": _agree(
        [
            (
                "enkelt_anvisa",
                "Det är enkelt att anvisa deltagare till förbundets insatser.",
                "It is easy to refer participants to the federation's interventions.",
            ),
            (
                "aterkoppling",
                "Jag får återkoppling om hur det går för dem jag har anvisat.",
                "I get feedback on how the people I referred are doing.",
            ),
            (
                "komplement",
                "Insatserna är ett bra komplement till min myndighets ordinarie arbete.",
                "The interventions complement my authority's regular work well.",
            ),
            (
                "battre_samverkan",
                "Samverkan med de andra parterna har blivit bättre genom förbundet.",
                "Cooperation with the other authorities has improved through the federation.",
            ),
        ]
    ),
}

INDICATOR_BOARD = {
    "code": "indikator-styrelse",
    "audience": "board",
    "texts": {
        "sv": ("Indikatorenkät för styrelse och chefer", "Ta ställning till varje påstående."),
        "en": (
            "Indicator questionnaire for the board and managers",
            "Say how far you agree with each statement.",
        ),
    },
    "questions": _agree(
        [
            (
                "kunskap_resultat",
                "Styrelsen känner till förbundets insatser och deras resultat.",
                "The board knows the federation's interventions and their results.",
            ),
            (
                "forankring",
                "Insatserna är förankrade hos medlemsorganisationerna.",
                "The interventions are anchored in the member organisations.",
            ),
            (
                "tas_tillvara",
                "Resultat från insatserna tas tillvara i parternas ordinarie verksamhet.",
                "Results from the interventions are used in the authorities' regular work.",
            ),
            (
                "underlag",
                "Styrelsen får underlag som räcker för att styra förbundets arbete.",
                "The board gets enough information to steer the federation's work.",
            ),
            (
                "gemensam_syn",
                "Parterna har en gemensam syn på förbundets uppdrag.",
                "The authorities share a view of the federation's remit.",
            ),
        ]
    ),
}

SURVEYS = [
    PARTICIPANT,
    AFTER_ACTIVITY,
    SELF_ASSESSMENT,
    INDICATOR_STAFF,
    INDICATOR_REFERRER,
    INDICATOR_BOARD,
]
