from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.core.models import Authority
from stegvis.interventions.models import Financier, ResultGoal, StructuralActivity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


class FinancierForm(forms.Form):
    prefix = "fin"
    kind = forms.ChoiceField(label="Typ", choices=Financier.Kind.choices)
    authority = forms.ModelChoiceField(
        label="Huvudman", queryset=None, required=False, empty_label="–"
    )
    name = forms.CharField(
        label="Namn", max_length=200, required=False, help_text="Tomt: huvudmannens namn."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = Authority.objects.order_by("kind", "name")


class BudgetForm(forms.Form):
    prefix = "bud"
    financier = forms.ModelChoiceField(
        label="Finansiär", queryset=None, empty_label="Välj finansiär…"
    )
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    amount = forms.IntegerField(label="Budget (kr)", min_value=0)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financier"].queryset = intervention.financiers.all()
        self.fields["year"].initial = _today().year


class BookingForm(forms.Form):
    prefix = "utf"
    financier = forms.ModelChoiceField(
        label="Finansiär", queryset=None, empty_label="Välj finansiär…"
    )
    booked_on = forms.DateField(label="Bokföringsdatum", widget=DATE, initial=_today)
    amount = forms.IntegerField(label="Belopp (kr)", help_text="Negativt belopp rättar.")
    note = forms.CharField(label="Avser", max_length=200, required=False)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financier"].queryset = intervention.financiers.all()


class GoalForm(forms.Form):
    prefix = "mal"
    metric = forms.ChoiceField(label="Mäts som", choices=ResultGoal.Metric.choices)
    target = forms.IntegerField(label="Målvärde", min_value=1, help_text="Procent eller antal.")
    within_months = forms.IntegerField(
        label="Inom månader från start", min_value=1, max_value=60, required=False
    )
    title = forms.CharField(
        label="Mål i ord", max_length=200, required=False, help_text="Tomt: skrivs ut av stegvis."
    )

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        M = ResultGoal.Metric
        allowed = (
            [M.WORK_OR_STUDIES, M.PARTICIPANTS]
            if intervention.is_individual
            else [M.ACTIVITIES, M.ATTENDEES]
        )
        self.fields["metric"].choices = [(m.value, m.label) for m in allowed]


class StructuralActivityForm(forms.Form):
    prefix = "akt"
    held_on = forms.DateField(label="Datum", widget=DATE, initial=_today)
    title = forms.CharField(label="Aktivitet", max_length=200)
    kind = forms.ChoiceField(label="Typ", choices=StructuralActivity.Kind.choices)
    attendees = forms.IntegerField(label="Antal deltagare", min_value=0, initial=0)
    organisations = forms.IntegerField(label="Antal organisationer", min_value=0, initial=0)
    hours = forms.DecimalField(
        label="Timmar", min_value=0, max_digits=7, decimal_places=1, initial=0
    )
