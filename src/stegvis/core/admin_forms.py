"""Forms for the federation administrator's pages: staff, organisations and code lists."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from stegvis.core.forms import SwedishModelForm
from stegvis.core.models import Association, Authority, Hub, ReferenceCode, WorkingGroup
from stegvis.core.roles import Role
from stegvis.interventions.models import Intervention

User = get_user_model()


class MemberForm(forms.Form):
    username = forms.CharField(label="Användarnamn", max_length=150)
    first_name = forms.CharField(label="Förnamn", max_length=150)
    last_name = forms.CharField(label="Efternamn", max_length=150)
    email = forms.EmailField(label="E-post", required=False)
    phone = forms.CharField(label="Telefon", max_length=40, required=False)
    title = forms.CharField(label="Titel", max_length=120, required=False)
    role = forms.ChoiceField(
        label="Roll", choices=Role.choices, error_messages={"required": "Välj en roll."}
    )
    authority = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="–"
    )
    association = forms.ModelChoiceField(
        label="Förening",
        queryset=None,
        required=False,
        empty_label="–",
        help_text="För föreningsledare och -samordnare.",
    )
    hub = forms.ModelChoiceField(label="Knutpunkt", queryset=None, required=False, empty_label="–")
    interventions = forms.ModelMultipleChoiceField(
        label="Insatser",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Handläggare ser bara deltagare i de insatser de arbetar i.",
    )
    responsibilities = forms.CharField(label="Gör vad", max_length=300, required=False)
    password = forms.CharField(
        max_length=128,
        label="Lösenord",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Minst 10 tecken, inte bara siffror och inte ett vanligt lösenord. "
        "Lämna tomt för att behålla nuvarande.",
    )
    is_active = forms.BooleanField(label="Aktiv", required=False, initial=True)

    def __init__(self, *args, existing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.fields["authority"].queryset = Authority.objects.all()
        self.fields["association"].queryset = Association.objects.filter(active=True)
        self.fields["hub"].queryset = Hub.objects.all()
        self.fields["interventions"].queryset = Intervention.objects.order_by("code")
        if existing is not None:
            self.fields["username"].disabled = True
        else:
            # A new account: no role is chosen for the administrator, least of all the highest.
            self.fields["role"].choices = [("", "Välj roll…"), *Role.choices]
            self.fields[
                "password"
            ].help_text = "Minst 10 tecken, inte bara siffror och inte ett vanligt lösenord."

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if self.existing is None:
            from stegvis.core.models import Membership

            if Membership.objects.filter(user__username__iexact=username).exists():
                raise forms.ValidationError("Personen är redan medarbetare i förbundet.")
        if self.existing is None and User.objects.filter(username__iexact=username).exists():
            # The same person may already work in another federation: add a membership.
            self.reused_user = User.objects.get(username__iexact=username)
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if self.existing is None and not password and not getattr(self, "reused_user", None):
            self.add_error("password", "Ange ett lösenord för det nya kontot.")
        if password:
            try:
                validate_password(
                    password,
                    User(
                        username=data.get("username", ""),
                        first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""),
                        email=data.get("email", ""),
                    ),
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        if data.get("role") == Role.ASSOCIATION_LEADER and not data.get("association"):
            self.add_error("association", "En föreningsledare hör till en förening.")
        return data


class AuthorityForm(SwedishModelForm):
    class Meta:
        model = Authority
        fields = ["kind", "name", "municipality_code", "is_member"]


class HubForm(SwedishModelForm):
    municipalities_text = forms.CharField(
        max_length=1000, label="Kommuner (kommaseparerade)", required=False
    )

    class Meta:
        model = Hub
        fields = ["slug", "name", "seat"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["municipalities_text"].initial = ", ".join(self.instance.municipalities)

    def save(self, commit=True):
        self.instance.municipalities = [
            m.strip() for m in self.cleaned_data["municipalities_text"].split(",") if m.strip()
        ]
        return super().save(commit)


class WorkingGroupForm(SwedishModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["hub", "name", "meets", "members"]
        widgets = {"members": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = Hub.objects.all()
        from stegvis.core.models import Membership

        self.fields["members"].queryset = Membership.objects.filter(is_active=True).select_related(
            "user"
        )
        self.fields["members"].label_from_instance = lambda m: (
            f"{m.user.display_name()} ({m.get_role_display()})"
        )


class AssociationForm(SwedishModelForm):
    class Meta:
        model = Association
        fields = [
            "name",
            "organisation_number",
            "hub",
            "municipality",
            "contact_name",
            "contact_email",
            "contact_phone",
            "payment_kind",
            "payment_number",
            "description",
            "active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = Hub.objects.all()

    def clean_organisation_number(self):
        from stegvis.core.validators import OrgNrError, normalise_orgnr

        try:
            value = normalise_orgnr(self.cleaned_data["organisation_number"])
        except OrgNrError as exc:
            raise forms.ValidationError(str(exc)) from exc
        others = Association.objects.filter(organisation_number=value)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Föreningen finns redan (samma organisationsnummer).")
        return value


class ReferenceCodeForm(SwedishModelForm):
    class Meta:
        model = ReferenceCode
        fields = ["label", "position", "active"]
