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
        label="Roll",
        choices=[("", "Välj roll…"), *Role.choices],
        error_messages={"required": "Välj en roll."},
    )
    extra_roles = forms.MultipleChoiceField(
        label="Fler roller i förbundet",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Till exempel en administratör som också är handläggare. Varje roll ges "
        "uttryckligen; administratörsrollen ensam ser inga personuppgifter.",
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
        help_text="Minst 10 tecken, inte bara siffror och inte ett vanligt lösenord.",
    )
    is_active = forms.BooleanField(label="Aktiv", required=False, initial=True)

    ACCOUNT_FIELDS = ("first_name", "last_name", "email", "phone", "title", "password")

    def __init__(self, *args, existing=None, account_managed=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.account_managed = account_managed
        self.fields["authority"].queryset = Authority.objects.all()
        self.fields["association"].queryset = Association.objects.filter(active=True)
        self.fields["hub"].queryset = Hub.objects.all()
        self.fields["interventions"].queryset = Intervention.objects.order_by("code")
        if existing is not None:
            self.fields["username"].disabled = True
            self.fields["password"].help_text += " Lämna tomt för att behålla nuvarande."
        if not account_managed:
            # The account is also used in another federation: only its owner changes it.
            for name in self.ACCOUNT_FIELDS:
                self.fields[name].disabled = True
            self.fields["password"].help_text = (
                "Kontot används även i ett annat förbund: bara personen själv kan ändra "
                "namn, e-post och lösenord."
            )

    def clean_username(self):
        """A new member's username must be free: shown with the form's other errors (the
        service checks again, so nothing taken over slips through)."""
        username = self.cleaned_data["username"].strip()
        if self.existing is None and User.objects.filter(username__iexact=username).exists():
            from stegvis.core.models import Membership

            if Membership.objects.filter(user__username__iexact=username).exists():
                raise forms.ValidationError("Personen är redan medarbetare i förbundet.")
            raise forms.ValidationError(
                "Användarnamnet är upptaget av ett annat konto. Välj ett annat användarnamn; "
                "ett konto i ett annat förbund kan inte tas över härifrån."
            )
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if self.existing is None and not password:
            self.add_error("password", "Ange ett lösenord för det nya kontot.")
        if password and self.account_managed:
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
        roles = [data.get("role"), *data.get("extra_roles", [])]
        if Role.ASSOCIATION_LEADER in roles and not data.get("association"):
            self.add_error("association", "En föreningsledare hör till en förening.")
        return data

    @property
    def roles(self) -> list[str]:
        data = self.cleaned_data
        return [data["role"], *[r for r in data.get("extra_roles", []) if r != data["role"]]]


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

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        others = Hub.objects.filter(slug=slug)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("Det finns redan en knutpunkt med det kortnamnet.")
        return slug

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
