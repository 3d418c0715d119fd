from __future__ import annotations

import re
from datetime import date

from django import forms

from stegvis.reports.forms import DATE


class EffectForm(forms.Form):
    """The comparison group and period of the Effekt page (validated query parameters)."""

    comparison = forms.MultipleChoiceField(
        label="Jämförelsegrupp",
        help_text="En eller flera: en importerad jämförelsegrupp, anvisade som inte skrevs in, "
        "eller andra insatser (”som vanligt”).",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    date_from = forms.DateField(label="Start från och med", required=False, widget=DATE)
    date_to = forms.DateField(label="Start till och med", required=False, widget=DATE)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comparison"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
        return data


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BenefitForm(forms.Form):
    """Ekonomiskt bistånd paid to a participant in one month."""

    participant = forms.CharField(
        label="Deltagare",
        max_length=20,
        help_text="Personnummer (ÅÅÅÅMMDD-NNNN) eller deltagarens referens, t.ex. D-000123.",
    )
    month = forms.CharField(label="Månad", max_length=7, help_text="ÅÅÅÅ-MM, t.ex. 2025-03.")
    amount = forms.IntegerField(
        label="Utbetalt ekonomiskt bistånd (kr)", min_value=0, max_value=1_000_000
    )

    def clean_month(self) -> date:
        return parse_month(self.cleaned_data["month"])


def parse_month(value: str) -> date:
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise forms.ValidationError(f"Ogiltig månad '{value}'. Använd ÅÅÅÅ-MM, t.ex. 2025-03.")
    return date(int(match.group(1)), int(match.group(2)), 1)
