from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone

from stegvis.core.models import Authority, Hub
from stegvis.interventions.models import Intervention
from stegvis.reports.filters import ReportFilters

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def default_period(today: date) -> dict[str, str]:
    """This year so far: what a board asks for first."""
    return {"date_from": f"{today.year}-01-01", "date_to": today.isoformat()}


class ReportFilterForm(forms.Form):
    """The filters every report page shares (validated query parameters)."""

    intervention = forms.ChoiceField(label="Insats", required=False)
    date_from = forms.DateField(label="Från och med", required=False, widget=DATE)
    date_to = forms.DateField(label="Till och med", required=False, widget=DATE)
    authority = forms.ModelChoiceField(
        label="Anvisande huvudman",
        queryset=None,
        required=False,
        empty_label="Alla",
    )
    hub = forms.ModelChoiceField(
        label="Knutpunkt", queryset=None, required=False, empty_label="Alla"
    )
    municipality = forms.ChoiceField(label="Kommun", required=False)
    external = forms.BooleanField(label="För extern användning (döljer små tal)", required=False)

    def __init__(self, *args, municipalities: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.interventions = {i.code: i for i in Intervention.objects.order_by("code")}
        self.fields["intervention"].choices = [("", "Alla insatser")] + [
            (code, f"{code} {i.name}") for code, i in self.interventions.items()
        ]
        self.fields["authority"].queryset = Authority.objects.order_by("kind", "name")
        self.fields["hub"].queryset = Hub.objects.order_by("name")
        self.fields["municipality"].choices = [("", "Alla")] + [(m, m) for m in municipalities]

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
            authority=data.get("authority"),
            hub=data.get("hub"),
            municipality=data.get("municipality") or "",
        )


class ReportSettingsForm(forms.Form):
    small_cell_threshold = forms.IntegerField(
        label="Dölj tal under",
        min_value=1,
        max_value=50,
        help_text="Gäller rapporter för extern användning. 1 visar allt; standard är 5.",
    )


def today() -> date:
    return timezone.localdate()
