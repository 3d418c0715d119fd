from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError

from stegvis.core.models import AuditEntry


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Användarnamn",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        max_length=128,
        label="Lösenord",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Fel användarnamn eller lösenord. Tänk på att lösenordet skiljer på "
        "stora och små bokstäver.",
        "inactive": "Kontot är inaktiverat. Kontakta förbundets administratör.",
    }


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Användare", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Händelse", required=False, choices=[("", "Alla"), *AuditEntry.Action.choices]
    )
    object_type = forms.ChoiceField(label="Objekttyp", required=False)
    object_id = forms.CharField(label="Objekt-id", required=False, max_length=64)
    date_from = forms.DateField(
        label="Från", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Till", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from stegvis.core.audit import object_type_labels

        labels = sorted(object_type_labels().items(), key=lambda item: item[1])
        self.fields["object_type"].choices = [("", "Alla"), *labels]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Slutdatumet ligger före startdatumet.")
        return data


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label="Sök namn, roll eller organisation", required=False, max_length=100)


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the named field when the form has it,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class EmergencyAccessForm(forms.Form):
    reason = forms.CharField(
        label="Skäl till nödåtkomsten",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Till exempel: personen är akut sjuk och huvudkontakten kan inte nås. "
        "Skälet loggas med varje läsning och granskas av dataskyddsombudet.",
    )
    hours = forms.TypedChoiceField(
        label="Hur länge",
        coerce=int,
        choices=[(1, "1 timme"), (2, "2 timmar"), (4, "4 timmar"), (8, "8 timmar")],
        initial=2,
    )


class LogReviewForm(forms.Form):
    date_from = forms.DateField(
        label="Från", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Till", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Till-datumet ligger före från-datumet.")
        return data


class AccountForm(forms.Form):
    first_name = forms.CharField(label="Förnamn", max_length=150)
    last_name = forms.CharField(label="Efternamn", max_length=150)
    email = forms.EmailField(label="E-post", required=False)
    phone = forms.CharField(label="Telefon", max_length=40, required=False)
    title = forms.CharField(label="Titel", max_length=120, required=False)


class SwedishPasswordChangeForm(PasswordChangeForm):
    old_password = forms.CharField(
        label="Nuvarande lösenord",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label="Nytt lösenord",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Nytt lösenord igen",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Det nuvarande lösenordet stämmer inte.",
        "password_mismatch": "Lösenorden är inte lika.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Nuvarande lösenord"
        self.fields["new_password1"].label = "Nytt lösenord"
        self.fields[
            "new_password1"
        ].help_text = "Minst 10 tecken, inte bara siffror och inte ett vanligt lösenord."
        self.fields["new_password2"].label = "Nytt lösenord igen"


DASH = "---------"


def swedish_blank_choices(form, label: str = "Välj…") -> None:
    """Replace Django's "---------" first choice with a Swedish one on every field of ``form``."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASH:
                field.empty_label = label
            continue
        if not isinstance(field, forms.ChoiceField):
            continue
        choices = list(field.choices)
        if choices and tuple(choices[0]) == ("", DASH):
            field.choices = [("", label), *choices[1:]]


class SwedishModelForm(forms.ModelForm):
    """A ModelForm whose empty first choices read "Välj…", never "---------"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        swedish_blank_choices(self)
