from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.activities.models import (
    Activity,
    ActivityCost,
    ActivityKind,
    Category,
    Compensation,
    GenderRestriction,
    Mentor,
    Placement,
)
from stegvis.core.forms import SwedishModelForm
from stegvis.core.models import Association, Authority, Hub, Membership, WorkingGroup
from stegvis.core.roles import Role
from stegvis.interventions.models import Intervention

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def split_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class ActivityFilterForm(forms.Form):
    q = forms.CharField(max_length=100, label="Sök", required=False)
    kind = forms.ChoiceField(
        label="Slag", required=False, choices=[("", "Alla"), *ActivityKind.choices]
    )
    association = forms.ModelChoiceField(
        label="Förening", queryset=None, required=False, empty_label="Alla"
    )
    hub = forms.ModelChoiceField(
        label="Knutpunkt", queryset=None, required=False, empty_label="Alla"
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alla"), *Activity.Status.choices]
    )
    category = forms.ChoiceField(
        label="Kategori", required=False, choices=[("", "Alla"), *Category.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(active=True)
        self.fields["hub"].queryset = Hub.objects.all()


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label="Slag",
        choices=ActivityKind.choices,
        initial=ActivityKind.NAD,
        required=False,  # an NAD activity unless chosen
        help_text="Reglerna och ersättningen följer slaget; bara NAD-aktiviteter ersätts.",
    )
    association = forms.ModelChoiceField(
        label="Förening",
        queryset=None,
        required=False,
        empty_label="–",
        help_text="För NAD-aktiviteter (och ev. värd för studiebesök).",
    )
    mentor = forms.ModelChoiceField(
        label="Mentor", queryset=None, required=False, empty_label="–", help_text="För mentorskap."
    )
    placement = forms.ModelChoiceField(
        label="Plats hos arbetsgivare",
        queryset=None,
        required=False,
        empty_label="–",
        help_text="För arbetsplatsförlagd praktik.",
    )
    title = forms.CharField(label="Rubrik", max_length=160)
    category = forms.ChoiceField(label="Kategori", choices=Category.choices)
    description = forms.CharField(
        max_length=5000,
        label="Beskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    serves_language = forms.BooleanField(label="Stärker språket", required=False)
    serves_health = forms.BooleanField(label="Stärker hälsan", required=False)
    serves_network = forms.BooleanField(label="Bygger nätverk", required=False)
    plan = forms.CharField(
        max_length=5000,
        label="Aktivitetsplan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hur aktiviteten stärker språkinlärning, hälsa och/eller nätverk.",
    )
    municipality = forms.CharField(
        label="Kommun", required=False, max_length=80, help_text="Tomt: föreningens kommun."
    )
    address = forms.CharField(label="Plats/adress", required=False, max_length=200)
    languages = forms.CharField(
        max_length=300,
        label="Språk som används",
        required=False,
        help_text="Kommaseparerade, t.ex. svenska, arabiska",
    )
    capacity = forms.IntegerField(label="Antal platser", min_value=1, max_value=500)
    leader_count = forms.IntegerField(label="Antal ledare", min_value=0, max_value=100, initial=1)
    leaders = forms.ModelMultipleChoiceField(
        label="Ledare med inloggning",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Föreningsledare som registrerar närvaro.",
    )
    gender_restriction = forms.ChoiceField(
        label="Könsbegränsning", required=False, choices=GenderRestriction.choices
    )
    working_group = forms.ModelChoiceField(
        label="Samverkansgrupp", queryset=None, required=False, empty_label="–"
    )
    intervention = forms.ModelChoiceField(
        label="Finansieras av insats", queryset=None, required=False, empty_label="–"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.filter(active=True)
        self.fields["mentor"].queryset = Mentor.objects.filter(active=True)
        self.fields["placement"].queryset = Placement.objects.filter(active=True)
        self.fields["leaders"].queryset = Membership.objects.filter(
            role=Role.ASSOCIATION_LEADER, is_active=True
        ).select_related("user", "association")
        self.fields["leaders"].label_from_instance = lambda m: (
            f"{m.user.display_name()} ({m.association.name if m.association else '–'})"
        )
        self.fields["working_group"].queryset = WorkingGroup.objects.all()
        self.fields["intervention"].queryset = Intervention.objects.filter(kind="individual")

    def clean(self):
        data = super().clean()
        association = data.get("association")
        for leader in data.get("leaders") or []:
            if association and leader.association_id != association.pk:
                self.add_error(
                    "leaders", f"{leader.user.display_name()} är inte ledare i {association.name}."
                )
        return data

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        return {
            "kind": activity.kind,
            "association": activity.association_id,
            "mentor": activity.mentor_id,
            "placement": activity.placement_id,
            "title": activity.title,
            "category": activity.category,
            "description": activity.description,
            "serves_language": activity.serves_language,
            "serves_health": activity.serves_health,
            "serves_network": activity.serves_network,
            "plan": activity.plan,
            "municipality": activity.municipality,
            "address": activity.address,
            "languages": ", ".join(activity.languages),
            "capacity": activity.capacity,
            "leader_count": activity.leader_count,
            "leaders": list(activity.leaders.all()),
            "gender_restriction": activity.gender_restriction,
            "working_group": activity.working_group_id,
            "intervention": activity.intervention_id,
        }


class SessionsForm(forms.Form):
    first_date = forms.DateField(label="Första datum", widget=DATE)
    count = forms.IntegerField(label="Antal tillfällen", min_value=1, max_value=60, initial=5)
    every_days = forms.IntegerField(label="Dagar mellan", min_value=1, max_value=60, initial=7)
    start_time = forms.TimeField(label="Börjar", required=False, widget=TIME)
    end_time = forms.TimeField(label="Slutar", required=False, widget=TIME)

    def clean(self):
        from django.core.exceptions import ValidationError

        from stegvis.activities.services import sessions_validate

        data = super().clean()
        try:
            sessions_validate(
                count=data.get("count") or 1,
                every_days=data.get("every_days") or 1,
                start_time=data.get("start_time"),
                end_time=data.get("end_time"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, errors)
        return data


class CostForm(forms.Form):
    kind = forms.ChoiceField(label="Slag", choices=ActivityCost.Kind.choices)
    description = forms.CharField(label="Beskrivning", required=False, max_length=200)
    amount_sek = forms.DecimalField(
        label="Belopp (kr)", min_value=0, max_digits=10, decimal_places=2
    )


class StepForm(forms.Form):
    owner = forms.ModelChoiceField(label="Ansvarig", queryset=None, required=False, empty_label="–")
    done_on = forms.DateField(label="Klart", required=False, widget=DATE)
    notes = forms.CharField(
        max_length=5000,
        label="Anteckningar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Membership.objects.filter(is_active=True).select_related(
            "user"
        )
        self.fields["owner"].label_from_instance = lambda m: (
            f"{m.user.display_name()} ({m.get_role_display()})"
        )


class QualityForm(forms.Form):
    working_group = forms.ModelChoiceField(
        label="Samverkansgrupp",
        queryset=None,
        empty_label="Välj samverkansgrupp…",
        error_messages={"required": "Välj den samverkansgrupp som kvalitetsgodkänner aktiviteten."},
    )
    note = forms.CharField(label="Samverkansgruppens bedömning", required=False, max_length=500)

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = WorkingGroup.objects.all()
        if membership is not None:
            groups = groups.filter(members=membership)  # only a group one belongs to
        self.fields["working_group"].queryset = groups


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Varför ställs aktiviteten in?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Skriv varför aktiviteten ställs in."},
    )


class CompensationFilterForm(forms.Form):
    association = forms.ModelChoiceField(
        label="Förening", queryset=None, required=False, empty_label="Alla"
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alla"), *Compensation.Status.choices]
    )
    start = forms.DateField(label="Period från", required=False, widget=DATE)
    end = forms.DateField(label="Period till", required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = Association.objects.all()


class PaidForm(forms.Form):
    paid_on = forms.DateField(label="Utbetald", widget=DATE, initial=timezone.localdate)
    reference = forms.CharField(label="Verifikation", required=False, max_length=60)


class SettleForm(PaidForm):
    """A correction paid out or claimed back."""

    paid_on = forms.DateField(label="Reglerad", widget=DATE, initial=timezone.localdate)


class CorrectionForm(forms.Form):
    """Change frozen attendance behind an approved or paid compensation. Places are shown by
    their number (as in the basis), never by name: the roles that handle money see no
    personal data."""

    session = forms.TypedChoiceField(label="Tillfälle", coerce=int)
    place = forms.TypedChoiceField(label="Plats", coerce=int)
    present = forms.TypedChoiceField(
        label="Rätt närvaro",
        choices=[("1", "Närvarande"), ("0", "Frånvarande")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Skäl",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Varför närvaron rättas, t.ex. vem som upptäckte felet och hur.",
    )

    def __init__(self, *args, sessions=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [(s.pk, f"{s.date:%Y-%m-%d}") for s in sessions]
        self.fields["place"].choices = [(p, f"Plats {p}") for p in places]


class PlacementForm(SwedishModelForm):
    languages_text = forms.CharField(max_length=300, label="Språk på arbetsplatsen", required=False)
    requirements_text = forms.CharField(
        max_length=500,
        label="Krav",
        required=False,
        help_text="Kommaseparerade, t.ex. körkort B, arbetsskor. Visas i matchningens förklaring.",
    )
    # Declared so the tenant querysets are read per request, inside the federation scope.
    offered_by = forms.ModelChoiceField(
        label="Förmedlad av", queryset=None, required=False, empty_label="–"
    )
    hub = forms.ModelChoiceField(label="Knutpunkt", queryset=None, required=False, empty_label="–")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered_by"].queryset = Authority.objects.all()
        self.fields["hub"].queryset = Hub.objects.all()

    class Meta:
        model = Placement
        fields = [
            "kind",
            "employer",
            "employer_orgnr",
            "title",
            "sector",
            "description",
            "supervisor_name",
            "supervisor_phone",
            "supervisor_email",
            "municipality",
            "address",
            "start_date",
            "end_date",
            "capacity",
            "offered_by",
            "hub",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class BookingForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label="Deltagare", queryset=None, empty_label="Välj deltagare…"
    )
    start_date = forms.DateField(label="Från", widget=DATE)
    end_date = forms.DateField(label="Till", widget=DATE)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.participant.display_name} – {e.intervention.code}"
        )


class PlaceForm(forms.Form):
    enrolment = forms.ModelChoiceField(
        label="Deltagare", queryset=None, empty_label="Välj deltagare…"
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.participant.display_name} – {e.intervention.code}"
        )


WEEKDAYS = [
    (0, "måndag"),
    (1, "tisdag"),
    (2, "onsdag"),
    (3, "torsdag"),
    (4, "fredag"),
    (5, "lördag"),
    (6, "söndag"),
]


class MentorForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=120)
    kind = forms.ChoiceField(label="Slag", choices=Mentor.Kind.choices)
    phone = forms.CharField(label="Telefon", max_length=40, required=False)
    email = forms.EmailField(label="E-post", required=False)
    municipality = forms.CharField(label="Kommun", max_length=80, required=False)
    languages = forms.CharField(
        max_length=300,
        label="Språk",
        required=False,
        help_text="Kommaseparerade, t.ex. svenska, dari",
    )
    interests = forms.MultipleChoiceField(
        label="Intressen",
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.TypedMultipleChoiceField(
        label="Kan träffas",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_mentees = forms.IntegerField(
        label="Deltagare samtidigt", min_value=1, max_value=10, initial=1
    )


class PairForm(forms.Form):
    mentor = forms.ModelChoiceField(label="Mentor", queryset=None)
    enrolment = forms.ModelChoiceField(label="Deltagare", queryset=None)
    start_date = forms.DateField(label="Från", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = Mentor.objects.filter(active=True)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.participant.display_name} – {e.intervention.code}"
        )


class MeetingForm(forms.Form):
    on = forms.DateField(label="Datum", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="Anteckning", max_length=200, required=False)
    attended = forms.BooleanField(label="Deltagaren kom", required=False, initial=True)
