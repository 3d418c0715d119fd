from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.core.models import Authority
from stegvis.plans.models import Meeting, PlanAction, PlanGoal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        org = obj.organisation_name
        return f"{obj.user.display_name()} ({org})" if org else obj.user.display_name()


class MembershipMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        org = obj.organisation_name
        return f"{obj.user.display_name()} ({org})" if org else obj.user.display_name()


class PlanNewForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Börja från",
        queryset=None,
        required=False,
        empty_label="En tom plan",
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label="Räkna datum från",
        widget=DATE,
        initial=_today,
        help_text="Målens och åtgärdernas datum i mallen räknas från den här dagen.",
    )
    participant_words = forms.CharField(
        max_length=5000,
        label="Med deltagarens egna ord",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    participant_goals = forms.CharField(
        max_length=5000,
        label="Deltagarens egna mål",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class PlanForm(forms.Form):
    participant_words = forms.CharField(
        max_length=5000,
        label="Med deltagarens egna ord",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Hur personen själv beskriver sin situation och vad som är viktigt.",
    )
    participant_goals = forms.CharField(
        max_length=5000,
        label="Deltagarens egna mål",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreed_on = forms.DateField(label="Överenskommen", required=False, widget=DATE)
    next_follow_up = forms.DateField(label="Nästa uppföljning", required=False, widget=DATE)


class GoalForm(forms.Form):
    title = forms.CharField(label="Mål", max_length=200)
    description = forms.CharField(
        max_length=5000,
        label="Beskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = forms.DateField(label="Klart senast", required=False, widget=DATE)
    status = forms.ChoiceField(label="Status", choices=PlanGoal.Status.choices)


class ActionForm(forms.Form):
    what = forms.CharField(label="Vad ska göras?", max_length=300)
    goal = forms.ModelChoiceField(
        label="Hör till mål", queryset=None, required=False, empty_label="Inget särskilt mål"
    )
    by_participant = forms.BooleanField(label="Deltagaren gör själv", required=False)
    authority = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        required=False,
        empty_label="Välj organisation",
        help_text="Fylls i från den ansvariga personen om du lämnar tomt.",
    )
    responsible = MembershipChoiceField(
        label="Ansvarig person", queryset=None, required=False, empty_label="Ingen i stegvis"
    )
    responsible_other = forms.CharField(
        label="Annan ansvarig",
        max_length=120,
        required=False,
        help_text="Namn på någon som inte finns i stegvis, t.ex. en handläggare på FK.",
    )
    due_date = forms.DateField(label="Senast", required=False, widget=DATE)
    status = forms.ChoiceField(label="Status", choices=PlanAction.Status.choices)

    def __init__(self, *args, plan, responsible_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["authority"].queryset = Authority.objects.order_by("name")
        self.fields["responsible"].queryset = responsible_choices


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Typ av möte", choices=Meeting.Kind.choices)
    held_on = forms.DateField(
        label="Datum",
        widget=DATE,
        initial=_today,
        help_text="Ett datum framåt i tiden bokar mötet; anteckna efteråt.",
    )
    participant_present = forms.BooleanField(
        label="Deltagaren var med", required=False, initial=True
    )
    attendees = MembershipMultipleChoiceField(
        label="Deltagare från stegvis",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    authorities = forms.ModelMultipleChoiceField(
        label="Myndigheter och organisationer som var med",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label="Övriga deltagare",
        max_length=300,
        required=False,
        help_text="T.ex. tolk, anhörig, handledare.",
    )
    notes = forms.CharField(
        max_length=5000,
        label="Anteckningar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decisions = forms.CharField(
        max_length=5000, label="Beslut", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_follow_up = forms.DateField(label="Nästa uppföljning", required=False, widget=DATE)
    plan_agreed = forms.BooleanField(
        label="Planen godkändes på mötet",
        required=False,
        help_text="Planen markeras som överenskommen med mötets datum.",
    )

    def __init__(self, *args, responsible_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = responsible_choices
        self.fields["authorities"].queryset = Authority.objects.order_by("name")


class TemplateForm(forms.Form):
    key = forms.SlugField(
        label="Nyckel", max_length=40, help_text="Kort och stabil, t.ex. ”fem-steg”."
    )
    name = forms.CharField(label="Namn", max_length=120)
    description = forms.CharField(
        max_length=5000,
        label="Beskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    goals_text = forms.CharField(
        max_length=5000,
        label="Mål och åtgärder",
        widget=forms.Textarea(attrs={"rows": 16, "class": "mono"}),
        help_text="En rad per mål: ”Mål | veckor | beskrivning”. Under målet en rad per "
        "åtgärd: ”- Vad | veckor | vem” där vem är deltagaren, huvudkontakt eller tomt. "
        "Veckor räknas från den dag planen görs.",
    )
    active = forms.BooleanField(label="Används", required=False, initial=True)
