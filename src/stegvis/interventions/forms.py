from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.core.models import Authority, Hub, Membership
from stegvis.core.roles import ROLE_PERMISSIONS, Perm
from stegvis.interventions.models import Financier, Intervention, ResultGoal, StructuralActivity
from stegvis.participants.eligibility import INCOME_LABELS
from stegvis.participants.forms import StaffChoiceField, staff_choices

# Roles that work with participants in their own interventions (case workers).
SCOPED_ROLES = [
    r for r, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_SCOPED_PERSONAL_DATA in perms
]

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


class InterventionForm(forms.Form):
    """What the federation sets on an intervention. The eligibility rules are edited as fields
    and stored as data (:mod:`stegvis.participants.eligibility`)."""

    code = forms.CharField(
        label="Kod", max_length=30, help_text="Kort och unik i förbundet, t.ex. UNG-VAG."
    )
    name = forms.CharField(label="Namn", max_length=200)
    kind = forms.ChoiceField(label="Typ", choices=Intervention.Kind.choices)
    owner_authority = forms.ModelChoiceField(
        label="Ägare (huvudman)", queryset=None, required=False, empty_label="–"
    )
    hub = forms.ModelChoiceField(label="Knutpunkt", queryset=None, required=False, empty_label="–")
    start_date = forms.DateField(label="Startdatum", widget=DATE, required=False)
    end_date = forms.DateField(label="Slutdatum", widget=DATE, required=False)
    capacity = forms.IntegerField(
        label="Antal platser", min_value=1, max_value=100_000, required=False
    )
    target_group = forms.CharField(
        max_length=5000, label="Målgrupp", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        max_length=5000,
        label="Beskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Eligibility rules (villkor), shown to everyone who refers.
    age_min = forms.IntegerField(label="Lägsta ålder", min_value=0, max_value=120, required=False)
    age_max = forms.IntegerField(label="Högsta ålder", min_value=0, max_value=120, required=False)
    born_abroad = forms.BooleanField(label="Född utomlands", required=False)
    unemployed = forms.BooleanField(label="Arbetslös", required=False)
    income_source = forms.ChoiceField(label="Försörjningskälla", required=False)
    income_months = forms.IntegerField(
        label="Minst antal månader av de senaste 12", min_value=1, max_value=12, required=False
    )
    municipalities = forms.CharField(
        label="Bor i kommun",
        required=False,
        max_length=500,
        help_text="Tomt: alla kommuner. Flera skiljs med kommatecken.",
    )

    RULE_FIELDS = (
        "age_min",
        "age_max",
        "born_abroad",
        "unemployed",
        "income_source",
        "income_months",
        "municipalities",
    )

    def __init__(self, *args, instance: Intervention | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", self.initial_from(instance))
        super().__init__(*args, **kwargs)
        self.fields["owner_authority"].queryset = Authority.objects.order_by("kind", "name")
        self.fields["hub"].queryset = Hub.objects.order_by("name")
        self.fields["income_source"].choices = [
            ("", "–"),
            *((k, v.capitalize()) for k, v in INCOME_LABELS.items()),
        ]

    @staticmethod
    def initial_from(intervention: Intervention) -> dict:
        initial = {
            "code": intervention.code,
            "name": intervention.name,
            "kind": intervention.kind,
            "owner_authority": intervention.owner_authority_id,
            "hub": intervention.hub_id,
            "start_date": intervention.start_date,
            "end_date": intervention.end_date,
            "capacity": intervention.capacity,
            "target_group": intervention.target_group,
            "description": intervention.description,
        }
        for rule in intervention.eligibility_rules or []:
            kind = rule.get("type")
            if kind == "age":
                initial["age_min"], initial["age_max"] = rule.get("min"), rule.get("max")
            elif kind in ("born_abroad", "unemployed"):
                initial[kind] = True
            elif kind == "income_source":
                initial["income_source"] = rule.get("source")
                initial["income_months"] = rule.get("months", 1)
            elif kind == "municipality":
                initial["municipalities"] = ", ".join(rule.get("in", []))
        return initial

    def clean(self):
        data = super().clean()
        if data.get("income_source") and not data.get("income_months"):
            self.add_error("income_months", "Ange hur många månader som krävs.")
        if data.get("income_months") and not data.get("income_source"):
            self.add_error("income_source", "Välj försörjningskälla.")
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", "Högsta ålder är lägre än lägsta ålder.")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Slutdatumet ligger före startdatumet.")
        return data

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        rules: list[dict] = []
        if data.get("age_min") is not None or data.get("age_max") is not None:
            rule = {"type": "age"}
            if data.get("age_min") is not None:
                rule["min"] = data["age_min"]
            if data.get("age_max") is not None:
                rule["max"] = data["age_max"]
            rules.append(rule)
        if data.get("born_abroad"):
            rules.append({"type": "born_abroad"})
        if data.get("unemployed"):
            rules.append({"type": "unemployed"})
        if data.get("income_source"):
            rules.append(
                {
                    "type": "income_source",
                    "source": data["income_source"],
                    "months": data["income_months"],
                    "window": 12,
                }
            )
        places = [p.strip() for p in (data.get("municipalities") or "").split(",") if p.strip()]
        if places:
            rules.append({"type": "municipality", "in": places})
        return rules

    def fields_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.RULE_FIELDS}
        data["eligibility_rules"] = self.rules() if data["kind"] == "individual" else []
        return data


class CloseForm(forms.Form):
    prefix = "stang"
    closed_on = forms.DateField(label="Stängs från och med", widget=DATE, initial=_today)
    note = forms.CharField(label="Skäl", max_length=300, required=False)


class SentReferralForm(forms.Form):
    """A referrer's referral: who, to what, why, and the person's consent."""

    intervention = forms.ModelChoiceField(label="Insats", queryset=None, empty_label="Välj insats")
    personal_number = forms.CharField(
        label="Personnummer eller samordningsnummer",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    first_name = forms.CharField(label="Förnamn", max_length=100)
    last_name = forms.CharField(label="Efternamn", max_length=100)
    municipality = forms.CharField(label="Kommun", max_length=80, required=False)
    born_abroad = forms.NullBooleanField(
        label="Född utomlands",
        required=False,
        widget=forms.Select(choices=[("unknown", "Okänt"), ("true", "Ja"), ("false", "Nej")]),
    )
    unemployed = forms.NullBooleanField(
        label="Arbetslös",
        required=False,
        widget=forms.Select(choices=[("unknown", "Okänt"), ("true", "Ja"), ("false", "Nej")]),
    )
    reason = forms.CharField(
        label="Skäl till anvisningen", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    referred_on = forms.DateField(label="Anvisad", widget=DATE, initial=_today)
    planned_start = forms.DateField(label="Önskad start", required=False, widget=DATE)
    consent_method = forms.ChoiceField(
        label="Samtycket lämnades",
        choices=[("written", "Skriftligt"), ("verbal", "Muntligt")],
        help_text="Personen samtycker till registrering och informationsutbyte med insatsen.",
    )
    consent_given_on = forms.DateField(label="Samtyckets datum", widget=DATE, initial=_today)
    notes = forms.CharField(
        label="Anteckningar",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Inga bilagor. Skriv bara det som behövs för beslutet.",
    )

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(
            pk__in=[i.pk for i in interventions]
        ).order_by("code")
        for key, label in INCOME_LABELS.items():
            self.fields[f"income_{key}"] = forms.IntegerField(
                label=label.capitalize(),
                required=False,
                min_value=0,
                max_value=12,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def income_fields(self):
        return [self[name] for name in self.fields if name.startswith("income_")]

    def income_months(self) -> dict[str, int]:
        return {
            name.removeprefix("income_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("income_") and value
        }

    def clean(self):
        data = super().clean()
        start, referred = data.get("planned_start"), data.get("referred_on")
        if start and referred and start < referred:
            self.add_error("planned_start", "Önskad start ligger före anvisningsdatumet.")
        return data


class TransferForm(forms.Form):
    to_intervention = forms.ModelChoiceField(
        label="Till insats", queryset=None, empty_label="Välj insats"
    )
    receiving_contact = StaffChoiceField(
        label="Mottagande handläggare",
        queryset=None,
        required=False,
        empty_label="Mottagande insats utser",
    )
    reason = forms.CharField(
        label="Skäl till överlämningen", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_on = forms.DateField(label="Datum", widget=DATE, initial=_today)
    planned_start = forms.DateField(label="Planerad start", widget=DATE, required=False)
    consent_method = forms.ChoiceField(
        label="Samtycke till informationsutbyte",
        required=False,
        choices=[
            ("", "Finns redan för den mottagande insatsen"),
            ("written", "Lämnat nu, skriftligt"),
            ("verbal", "Lämnat nu, muntligt"),
        ],
    )
    consent_given_on = forms.DateField(
        label="Samtyckets datum", widget=DATE, required=False, initial=_today
    )

    def __init__(self, *args, enrolment, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [i.pk for i in interventions if i.pk != enrolment.intervention_id]
        self.fields["to_intervention"].queryset = Intervention.objects.filter(pk__in=ids).order_by(
            "code"
        )
        self.fields["receiving_contact"].queryset = (
            Membership.objects.filter(is_active=True, role__in=SCOPED_ROLES, interventions__in=ids)
            .select_related("user")
            .distinct()
            .order_by("user__first_name", "user__last_name")
        )


class TransferAcceptForm(forms.Form):
    prefix = "ta"
    start_date = forms.DateField(label="Startdatum", widget=DATE, initial=_today)
    receiving_contact = StaffChoiceField(
        label="Huvudkontakt i den nya insatsen", queryset=None, empty_label=None
    )

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_contact"].queryset = staff_choices(intervention)


class TransferDeclineForm(forms.Form):
    prefix = "tn"
    reason = forms.CharField(label="Skäl", max_length=300)


class TransferMeetingForm(forms.Form):
    prefix = "tm"
    held_on = forms.DateField(label="Datum för överlämningsmötet", widget=DATE, initial=_today)
    participant_present = forms.BooleanField(label="Personen är med", required=False, initial=True)
    notes = forms.CharField(
        max_length=5000,
        label="Anteckningar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
