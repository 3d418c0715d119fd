from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.assessments.models import (
    DrivingLicence,
    LanguageLevel,
    NeedLevel,
    Obstacle,
    StepRating,
    SwedishLevel,
)
from stegvis.core import reference

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNKNOWN = [("", "Ej bedömt")]


def _today():
    return timezone.localdate()


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label="Datum för kartläggningen", widget=DATE, initial=_today)
    skills = forms.CharField(
        max_length=5000,
        label="Kunskaper och färdigheter",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Till exempel datorvana, hantverk, språk i arbetet, erfarenheter från "
        "föreningsliv eller familj.",
    )
    driving_licence = forms.ChoiceField(
        label="Körkort", required=False, choices=[("", "Ej angivet"), *DrivingLicence.choices]
    )
    swedish_level = forms.ChoiceField(
        label="Svenska",
        required=False,
        choices=UNKNOWN + SwedishLevel.choices,
        help_text="Ungefärlig nivå enligt den europeiska referensramen (som i SFI).",
    )
    need_language = forms.ChoiceField(
        label="Språk", required=False, choices=UNKNOWN + NeedLevel.choices
    )
    need_health = forms.ChoiceField(
        label="Hälsa", required=False, choices=UNKNOWN + NeedLevel.choices
    )
    need_network = forms.ChoiceField(
        label="Nätverk", required=False, choices=UNKNOWN + NeedLevel.choices
    )
    needs_note = forms.CharField(
        max_length=5000,
        label="Om behoven",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    interests = forms.MultipleChoiceField(
        label="Intressen", required=False, widget=forms.CheckboxSelectMultiple
    )
    obstacles = forms.MultipleChoiceField(
        label="Hinder",
        required=False,
        choices=Obstacle.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    obstacles_note = forms.CharField(
        max_length=5000,
        label="Om hindren",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.CharField(
        max_length=5000,
        label="Sammanfattning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Vad personen själv vill och vad ni kom fram till.",
    )

    def __init__(self, *args, interest_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].choices = interest_choices


class EducationForm(forms.Form):
    level = forms.ChoiceField(label="Nivå", required=False)
    field = forms.CharField(label="Inriktning", required=False, max_length=120)
    country = forms.CharField(label="Land", required=False, max_length=80)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = reference.choices(
            reference.Kind.EDUCATION_LEVEL, blank="Välj nivå"
        )


class WorkForm(forms.Form):
    occupation = forms.CharField(label="Yrke eller uppgift", required=False, max_length=120)
    years = forms.DecimalField(
        label="Antal år", required=False, min_value=0, max_value=60, decimal_places=1
    )
    country = forms.CharField(label="Land", required=False, max_length=80)

    def clean(self):
        data = super().clean()
        if data.get("years") is not None and not data.get("occupation"):
            self.add_error("occupation", "Ange yrke eller uppgift.")
        return data


class LanguageForm(forms.Form):
    language = forms.CharField(label="Språk", required=False, max_length=60)
    level = forms.ChoiceField(
        label="Nivå", required=False, choices=[("", "Välj nivå"), *LanguageLevel.choices]
    )


EducationFormSet = forms.formset_factory(EducationForm, extra=0)
WorkFormSet = forms.formset_factory(WorkForm, extra=0)
LanguageFormSet = forms.formset_factory(LanguageForm, extra=0)


class RatingForm(forms.Form):
    """One rating occasion: a 1–5 choice per dimension, each step described."""

    rated_on = forms.DateField(label="Datum", widget=DATE, initial=_today)
    rater = forms.ChoiceField(
        label="Vem skattar?",
        choices=StepRating.Rater.choices,
        initial=StepRating.Rater.STAFF,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, dimensions, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for d in dimensions:
            choices = [
                (str(i), f"{i} – {d.anchor(i)}" if d.anchor(i) else str(i)) for i in range(1, 6)
            ]
            self.fields[f"dim_{d.pk}"] = forms.TypedChoiceField(
                label=d.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=choices,
                widget=forms.RadioSelect,
                help_text=d.description,
            )

    def scores(self) -> dict[int, int]:
        return {
            d.pk: self.cleaned_data.get(f"dim_{d.pk}")
            for d in self.dimensions
            if self.cleaned_data.get(f"dim_{d.pk}") is not None
        }

    def dimension_fields(self):
        return [self[f"dim_{d.pk}"] for d in self.dimensions]


class PriorityFilterForm(forms.Form):
    intervention = forms.ModelChoiceField(
        label="Insats", queryset=None, required=False, empty_label="Alla mina insatser"
    )
    mine = forms.ChoiceField(
        label="Visa",
        required=False,
        choices=[("all", "Alla i insatserna"), ("me", "Där jag är huvudkontakt")],
    )

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions


class DistanceFilterForm(forms.Form):
    date_from = forms.DateField(label="Skattningar från", required=False, widget=DATE)
    date_to = forms.DateField(label="till", required=False, widget=DATE)
    rater = forms.ChoiceField(label="Skattade av", required=False, choices=StepRating.Rater.choices)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
        return data


class RiskFlagForm(forms.Form):
    label = forms.CharField(label="Benämning", max_length=120)
    weight = forms.IntegerField(label="Vikt", min_value=0, max_value=20)
    active = forms.BooleanField(label="Används", required=False)


class DimensionForm(forms.Form):
    label = forms.CharField(label="Benämning", max_length=80)
    description = forms.CharField(label="Beskrivning", max_length=300, required=False)
    anchor_1 = forms.CharField(label="1", max_length=200)
    anchor_2 = forms.CharField(label="2", max_length=200)
    anchor_3 = forms.CharField(label="3", max_length=200)
    anchor_4 = forms.CharField(label="4", max_length=200)
    anchor_5 = forms.CharField(label="5", max_length=200)
    active = forms.BooleanField(label="Används", required=False)

    def anchors(self) -> list[str]:
        return [self.cleaned_data[f"anchor_{i}"] for i in range(1, 6)]


class InterestForm(forms.Form):
    key = forms.SlugField(
        label="Nyckel",
        max_length=40,
        help_text="Kort och stabil, t.ex. ”odling”. Kan inte ändras senare.",
    )
    label = forms.CharField(label="Benämning", max_length=80)
    group = forms.CharField(label="Grupp", max_length=60, required=False)
    active = forms.BooleanField(label="Används", required=False, initial=True)
