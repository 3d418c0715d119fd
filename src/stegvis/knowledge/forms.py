from __future__ import annotations

from django import forms

from stegvis.knowledge.models import Method, StartChecklist

TEXT = {"rows": 3}


class MethodForm(forms.Form):
    code = forms.CharField(
        label="Kod", max_length=40, help_text=Method._meta.get_field("code").help_text
    )
    name = forms.CharField(label="Namn", max_length=200)
    description = forms.CharField(
        max_length=5000, label="Beskrivning", required=False, widget=forms.Textarea(attrs=TEXT)
    )
    target_group = forms.CharField(
        max_length=5000, label="Målgrupp", required=False, widget=forms.Textarea(attrs=TEXT)
    )
    staff_demands = forms.CharField(
        max_length=5000,
        label="Krav på personalen",
        required=False,
        widget=forms.Textarea(attrs=TEXT),
    )
    references = forms.CharField(
        max_length=5000,
        label="Externa referenser",
        required=False,
        help_text="En källa eller länk per rad.",
        widget=forms.Textarea(attrs=TEXT),
    )


class InterventionMethodsForm(forms.Form):
    methods = forms.ModelMultipleChoiceField(
        label="Metoder insatsen arbetar med",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methods"].queryset = Method.objects.order_by("name")


class MethodActivitiesForm(forms.Form):
    activities = forms.ModelMultipleChoiceField(
        label="Aktiviteter som arbetar med metoden",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        from stegvis.activities.models import Activity

        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = Activity.objects.exclude(
            status=Activity.Status.CANCELLED
        ).order_by("title")


def _label(name: str) -> str:
    text = str(StartChecklist._meta.get_field(name).verbose_name)
    return text[:1].upper() + text[1:]


def _help(name: str) -> str:
    return str(StartChecklist._meta.get_field(name).help_text)


class ChecklistForm(forms.Form):
    prefix = "lista"
    target_group = forms.CharField(
        label="Målgrupp",
        max_length=2000,
        required=False,
        help_text="Insatsens målgrupp, som den visas på insatsens sida.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    eligibility = forms.CharField(
        label="Villkor och anvisning",
        max_length=4000,
        required=False,
        help_text=_help("eligibility"),
        widget=forms.Textarea(attrs=TEXT),
    )
    authority_roles = forms.CharField(
        label=_label("authority_roles"),
        max_length=4000,
        required=False,
        help_text=_help("authority_roles"),
        widget=forms.Textarea(attrs=TEXT),
    )
    followup_plan = forms.CharField(
        label="Plan för uppföljning",
        max_length=4000,
        required=False,
        help_text="Vilka resultat och effekter som följs upp, hur och när.",
        widget=forms.Textarea(attrs=TEXT),
    )
    comparison_group = forms.CharField(
        label=_label("comparison_group"),
        max_length=4000,
        required=False,
        help_text=_help("comparison_group"),
        widget=forms.Textarea(attrs=TEXT),
    )
    implementation_plan = forms.CharField(
        label=_label("implementation_plan"),
        max_length=4000,
        required=False,
        help_text=_help("implementation_plan"),
        widget=forms.Textarea(attrs=TEXT),
    )


class StartForm(forms.Form):
    prefix = "start"
    reason = forms.CharField(
        label="Skäl att starta ändå",
        max_length=500,
        required=False,
        help_text="Krävs när mätbara mål eller plan för uppföljning saknas. Beslutet loggas.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GoodExampleForm(forms.Form):
    text = forms.CharField(
        label="Varför ett gott exempel",
        max_length=2000,
        help_text="Några meningar om vad som gjorde insatsen framgångsrik.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
