from __future__ import annotations

from django import forms

from stegvis.interventions.models import Intervention
from stegvis.reports.filters import ReportFilters
from stegvis.reports.forms import DATE
from stegvis.surveys.models import LANGUAGES, Audience, Occasion


class ResultFilterForm(forms.Form):
    intervention = forms.ChoiceField(label="Insats", required=False)
    activity = forms.ChoiceField(label="Aktivitet", required=False)
    date_from = forms.DateField(label="Från och med", required=False, widget=DATE)
    date_to = forms.DateField(label="Till och med", required=False, widget=DATE)
    external = forms.BooleanField(label="För extern användning (döljer små tal)", required=False)

    def __init__(self, *args, **kwargs):
        from stegvis.activities.models import Activity

        super().__init__(*args, **kwargs)
        self.interventions = {i.code: i for i in Intervention.objects.order_by("code")}
        self.fields["intervention"].choices = [("", "Alla insatser")] + [
            (code, f"{code} {i.name}") for code, i in self.interventions.items()
        ]
        self.activities = {str(a.pk): a for a in Activity.objects.order_by("title")}
        self.fields["activity"].choices = [("", "Alla aktiviteter")] + [
            (pk, a.title) for pk, a in self.activities.items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        code = data.get("intervention")
        return ReportFilters(
            interventions=(self.interventions[code],) if code else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def selected_activity(self):
        data = self.cleaned_data if self.is_valid() else {}
        return self.activities.get(data.get("activity") or "")


def _language_choices(languages) -> list[tuple[str, str]]:
    return [(code, f"{LANGUAGES.get(code, code)} ({code})") for code in languages]


class PersonalLinkForm(forms.Form):
    survey = forms.ChoiceField(label="Enkät")
    occasion = forms.ChoiceField(
        label="Tillfälle",
        choices=[
            (o.value, o.label)
            for o in (Occasion.START, Occasion.MIDWAY, Occasion.EXIT, Occasion.ACTIVITY)
        ],
    )
    language = forms.ChoiceField(label="Språk", choices=_language_choices(LANGUAGES))

    def __init__(self, *args, surveys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].choices = [
            (s.code, f"{s.code} (version {s.version})") for s in surveys
        ]


class GroupLinkForm(forms.Form):
    respondent_group = forms.ChoiceField(label="Svarsgrupp", choices=Audience.choices)
    language = forms.ChoiceField(label="Språk", choices=_language_choices(LANGUAGES))
    max_answers = forms.IntegerField(
        label="Antal svar",
        min_value=1,
        max_value=500,
        initial=1,
        help_text="1: en länk per person. Fler: en länk för hela svarsgruppen.",
    )
    kiosk = forms.BooleanField(
        label="Surfplatta (kiosk): formuläret börjar om efter varje svar", required=False
    )


class PageLinkForm(forms.Form):
    prefix = "sida"
    language = forms.ChoiceField(label="Språk", choices=_language_choices(LANGUAGES))


class QuestionAddForm(forms.Form):
    """A new question in a draft, worded in Swedish."""

    text = forms.CharField(
        label="Fråga (svenska)", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    key = forms.SlugField(
        label="Nyckel",
        max_length=40,
        help_text="Kort namn utan mellanslag, t.ex. trivsel. Syns i exporter och API.",
    )
    kind = forms.ChoiceField(label="Typ", choices=())
    required = forms.BooleanField(label="Obligatorisk", required=False)
    options = forms.CharField(
        label="Svarsalternativ",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="För ett val eller flera val: ett alternativ per rad, värde: text, "
        "t.ex. ja-helt: Ja, helt.",
    )
    scale_min = forms.IntegerField(
        label="Skalans lägsta värde", min_value=0, max_value=10, initial=1
    )
    scale_max = forms.IntegerField(
        label="Skalans högsta värde", min_value=1, max_value=10, initial=5
    )
    low = forms.CharField(label="Text vid lägsta värdet", max_length=200, required=False)
    high = forms.CharField(label="Text vid högsta värdet", max_length=200, required=False)
    dimension_key = forms.ChoiceField(
        label="Stegförflyttning",
        required=False,
        help_text="Ett svar på skalan 1–5 sparas också som deltagarens egen skattning.",
    )

    def __init__(self, *args, dimensions=(), **kwargs):
        from stegvis.surveys.models import Question

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Question.Kind.choices
        self.fields["dimension_key"].choices = [("", "Ingen")] + [
            (d.key, d.label) for d in dimensions
        ]

    def clean_options(self) -> list[tuple[str, str]]:
        from django.utils.text import slugify

        rows = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            value, _, label = line.partition(":")
            value, label = value.strip(), label.strip()
            slug = slugify(value)
            if not slug or slug != value:
                raise forms.ValidationError(
                    f"Rad {number}: värdet '{value}' får bara innehålla små bokstäver a–z, "
                    "siffror och bindestreck (skriv värde: text)."
                )
            rows.append((value, label or value))
        return rows
