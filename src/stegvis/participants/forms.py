from __future__ import annotations

from django import forms
from django.utils import timezone

from stegvis.core import reference
from stegvis.core.models import Authority, Membership
from stegvis.core.personnummer import PersonalNumberError, parse_personal_number
from stegvis.core.roles import Role
from stegvis.participants.models import Consent, FollowUp, Gender

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


class RegisterForm(forms.Form):
    """Intake step 1: which intervention, consent, and who the person is."""

    intervention = forms.ModelChoiceField(label="Insats", queryset=None, empty_label=None)
    has_consent = forms.TypedChoiceField(
        label="Har personen lämnat samtycke?",
        choices=[
            ("yes", "Ja – registrera personuppgifter"),
            ("no", "Nej – registrera anonymt (kön, födelseår, kommun)"),
        ],
        widget=forms.RadioSelect,
        initial="yes",
    )
    consent_scope = forms.ChoiceField(
        label="Samtycket gäller",
        choices=Consent.Scope.choices,
        required=False,
        initial=Consent.Scope.SHARING,
    )
    consent_method = forms.ChoiceField(
        label="Samtycket lämnades",
        choices=[(k, v) for k, v in Consent.Method.choices if k != Consent.Method.IMPORTED],
        required=False,
        initial=Consent.Method.WRITTEN,
    )
    consent_date = forms.DateField(
        label="Datum för samtycke", required=False, widget=DATE, initial=_today
    )
    consent_language = forms.ChoiceField(
        label="Samtyckestextens språk",
        required=False,
        initial="sv",
        choices=[
            ("sv", "Svenska"),
            ("ar", "Arabiska"),
            ("fa", "Dari/persiska"),
            ("so", "Somaliska"),
            ("ti", "Tigrinja"),
            ("en", "Engelska"),
            ("uk", "Ukrainska"),
        ],
    )
    witnessed_by = forms.CharField(label="Bevittnat av", required=False, max_length=120)
    protected_identity = forms.BooleanField(
        label="Skyddad identitet",
        required=False,
        help_text="Namn och personnummer visas bara för huvudkontakten, maskeras i listor, "
        "utskrifter och exporter, och varje läsning loggas.",
    )
    personal_number = forms.CharField(
        label="Personnummer eller samordningsnummer",
        required=False,
        max_length=15,
        help_text="ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN (+ för 100 år eller äldre).",
    )
    first_name = forms.CharField(label="Förnamn", required=False, max_length=100)
    last_name = forms.CharField(label="Efternamn", required=False, max_length=100)
    gender = forms.ChoiceField(label="Kön", choices=Gender.choices)
    birth_year = forms.IntegerField(
        label="Födelseår (anonym registrering)", required=False, min_value=1900, max_value=2100
    )
    municipality = forms.CharField(label="Kommun", max_length=80)
    born_abroad = forms.NullBooleanField(
        label="Född utomlands",
        required=False,
        widget=forms.Select(choices=[("unknown", "Okänt"), ("true", "Ja"), ("false", "Nej")]),
    )
    country_of_birth = forms.CharField(label="Födelseland", required=False, max_length=80)
    arrival_year = forms.IntegerField(
        label="År för ankomst till Sverige", required=False, min_value=1900, max_value=2100
    )
    languages = forms.CharField(label="Språk (kommaseparerade)", required=False, max_length=200)
    interpreter_needed = forms.BooleanField(label="Behöver tolk", required=False)
    interpreter_language = forms.CharField(label="Tolkspråk", required=False, max_length=60)
    education_level = forms.ChoiceField(label="Utbildningsnivå", required=False)
    phone = forms.CharField(label="Telefon", required=False, max_length=40)
    email = forms.EmailField(label="E-post", required=False)
    address = forms.CharField(label="Adress", required=False, max_length=200)

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions
        self.fields["education_level"].choices = reference.choices(
            reference.Kind.EDUCATION_LEVEL, blank="–"
        )

    @property
    def anonymous(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return data.get("has_consent") != "yes"

    def clean(self):
        data = super().clean()
        if self.anonymous:
            if not data.get("birth_year"):
                self.add_error("birth_year", "Ange födelseår för en anonym registrering.")
            return data
        for name, message in (
            ("consent_method", "Ange hur samtycket lämnades."),
            ("consent_date", "Ange datum för samtycket."),
            ("consent_scope", "Ange vad samtycket gäller."),
            ("first_name", "Ange förnamn."),
            ("last_name", "Ange efternamn."),
            ("personal_number", "Ange personnummer eller samordningsnummer."),
        ):
            if not data.get(name):
                self.add_error(name, message)
        if data.get("consent_date") and data["consent_date"] > _today():
            self.add_error("consent_date", "Samtycket kan inte vara daterat i framtiden.")
        if data.get("personal_number"):
            try:
                number = parse_personal_number(data["personal_number"], _today())
            except PersonalNumberError as exc:
                self.add_error("personal_number", str(exc))
            else:
                data["personal_number"] = number.formatted
        return data


class ReferralForm(forms.Form):
    reason = forms.CharField(
        max_length=5000, label="Skäl till anvisningen", widget=forms.Textarea(attrs={"rows": 3})
    )
    referred_on = forms.DateField(label="Anvisad", widget=DATE, initial=_today)
    planned_start = forms.DateField(label="Planerad start", required=False, widget=DATE)
    referring_authority = forms.ModelChoiceField(
        label="Anvisande myndighet", queryset=None, required=False, empty_label="–"
    )
    unemployed = forms.NullBooleanField(
        label="Arbetslös",
        required=False,
        widget=forms.Select(choices=[("unknown", "Okänt"), ("true", "Ja"), ("false", "Nej")]),
    )
    notes = forms.CharField(
        max_length=5000,
        label="Anteckningar",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Inga bilagor. Skriv bara det som behövs för beslutet.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_authority"].queryset = Authority.objects.all()
        for key, label in reference.choices(reference.Kind.INCOME_SOURCE):
            self.fields[f"income_{key}"] = forms.IntegerField(
                label=label,
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
        if (
            data.get("planned_start")
            and data.get("referred_on")
            and (data["planned_start"] < data["referred_on"])
        ):
            self.add_error("planned_start", "Planerad start ligger före anvisningsdatumet.")
        return data


def staff_choices(intervention):
    """Staff of the intervention who work with its participants (a role with personal data;
    an administrator only when he also holds such a role)."""
    from stegvis.core.roles import PERSONAL_DATA_PERMS, ROLE_PERMISSIONS

    with_data = [r for r in Role.values if ROLE_PERMISSIONS[r] & PERSONAL_DATA_PERMS]
    candidates = (
        Membership.objects.filter(is_active=True, interventions=intervention)
        .select_related("user")
        .order_by("user__first_name", "user__last_name")
    )
    ids = [m.pk for m in candidates if any(m.has_role(r) for r in with_data)]
    return candidates.filter(pk__in=ids)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.display_name()} ({obj.organisation_name or obj.get_role_display()})"


def _decided_on_field():
    return forms.DateField(
        label="Beslutsdatum",
        widget=DATE,
        initial=_today,
        required=False,
        help_text="Dagen beslutet fattades, om inte i dag. Ledtiderna räknas till den.",
    )


class InRegistrationForm(forms.Form):
    decided_on = _decided_on_field()
    start_date = forms.DateField(label="Startdatum", widget=DATE, initial=_today)
    main_contact = StaffChoiceField(
        label="Huvudkontakt", queryset=None, required=False, empty_label="–"
    )
    income_sources_before = forms.MultipleChoiceField(
        label="Försörjning vid start", required=False, widget=forms.CheckboxSelectMultiple
    )
    af_code_before = forms.ChoiceField(label="Inskrivningskod hos AF vid start", required=False)
    education_level = forms.ChoiceField(label="Utbildningsnivå", required=False)
    time_outside = forms.ChoiceField(label="Tid utan arbete eller studier", required=False)

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main_contact"].queryset = staff_choices(intervention)
        k = reference.Kind
        self.fields["income_sources_before"].choices = reference.choices(k.INCOME_SOURCE)
        self.fields["af_code_before"].choices = reference.choices(k.AF_CODE, blank="–")
        self.fields["education_level"].choices = reference.choices(k.EDUCATION_LEVEL, blank="–")
        self.fields["time_outside"].choices = reference.choices(k.TIME_OUTSIDE, blank="–")


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(label="Skäl", max_length=300)
    decided_on = _decided_on_field()


class WaitlistForm(forms.Form):
    decided_on = _decided_on_field()


class HandOverForm(forms.Form):
    to_contact = StaffChoiceField(label="Ny huvudkontakt", queryset=None, empty_label=None)
    handed_over_on = forms.DateField(label="Datum", widget=DATE, initial=_today)
    note = forms.CharField(
        max_length=5000,
        label="Överlämning – vad behöver den nya huvudkontakten veta?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, intervention, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = staff_choices(intervention)
        if current is not None:
            qs = qs.exclude(pk=current.pk)
        self.fields["to_contact"].queryset = qs


class ExitForm(forms.Form):
    end_date = forms.DateField(label="Slutdatum", widget=DATE, initial=_today)
    exit_reason = forms.ChoiceField(label="Avslutsorsak")
    income_sources_after = forms.MultipleChoiceField(
        label="Försörjning vid avslut", required=False, widget=forms.CheckboxSelectMultiple
    )
    af_code_after = forms.ChoiceField(label="Inskrivningskod hos AF vid avslut", required=False)
    note = forms.CharField(label="Anteckning", required=False, max_length=300)

    def __init__(self, *args, enrolment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        k = reference.Kind
        self.fields["exit_reason"].choices = reference.choices(k.EXIT_REASON, blank="Välj…")
        self.fields["income_sources_after"].choices = reference.choices(k.INCOME_SOURCE)
        self.fields["af_code_after"].choices = reference.choices(k.AF_CODE, blank="–")

    def clean(self):
        from stegvis.participants.services import enrolment_exit_errors

        data = super().clean()
        if self.enrolment is not None:
            # The service's date rule too, so one submit shows every error.
            errors = enrolment_exit_errors(
                enrolment=self.enrolment, end_date=data.get("end_date"), exit_reason=None
            )
            for field, message in errors.items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label="Uppföljningen gjordes", widget=DATE, initial=_today)
    reached = forms.TypedChoiceField(
        label="Fick du kontakt med personen?",
        choices=[("yes", "Ja"), ("no", "Nej, gick inte att nå")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    situation = forms.ChoiceField(
        label="Vad gör personen nu?",
        required=False,
        choices=[("", "Välj…"), *FollowUp.Situation.choices],
    )
    income_sources = forms.MultipleChoiceField(
        label="Försörjning nu", required=False, widget=forms.CheckboxSelectMultiple
    )
    af_code = forms.ChoiceField(label="Inskrivningskod hos AF nu", required=False)
    note = forms.CharField(label="Anteckning", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        k = reference.Kind
        self.fields["income_sources"].choices = reference.choices(k.INCOME_SOURCE)
        self.fields["af_code"].choices = reference.choices(k.AF_CODE, blank="–")


class FollowUpFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Visa",
        required=False,
        initial="due",
        choices=[
            ("due", "Att göra inom 30 dagar och försenade"),
            ("open", "Alla som inte är gjorda"),
            ("done", "Gjorda"),
        ],
    )


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(label="Återkallat", widget=DATE, initial=_today)
    note = forms.CharField(label="Anteckning", required=False, max_length=300)


class CaseloadFilterForm(forms.Form):
    intervention = forms.ModelChoiceField(
        label="Insats", queryset=None, required=False, empty_label="Alla mina insatser"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        initial="active",
        choices=[("active", "Pågående"), ("exited", "Avslutade"), ("all", "Alla")],
    )
    mine = forms.ChoiceField(
        label="Huvudkontakt",
        required=False,
        initial="me",
        choices=[("me", "Jag"), ("all", "Alla")],
    )
    q = forms.CharField(
        label="Sök namn, D-nummer eller personnummer", required=False, max_length=100
    )

    def __init__(self, *args, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = interventions


CONSENT_LANGUAGES = RegisterForm.base_fields["consent_language"].choices


class ConsentForm(forms.Form):
    """Record a consent later, on the spot (an anonymous record becomes named with it)."""

    intervention = forms.ModelChoiceField(label="Insats", queryset=None, empty_label=None)
    scope = forms.ChoiceField(
        label="Samtycket gäller", choices=Consent.Scope.choices, initial=Consent.Scope.SHARING
    )
    method = forms.ChoiceField(
        label="Samtycket lämnades",
        choices=[(k, v) for k, v in Consent.Method.choices if k != Consent.Method.IMPORTED],
        initial=Consent.Method.WRITTEN,
    )
    given_on = forms.DateField(label="Datum för samtycke", widget=DATE, initial=_today)
    language = forms.ChoiceField(
        label="Samtyckestextens språk", choices=CONSENT_LANGUAGES, initial="sv"
    )
    witnessed_by = forms.CharField(label="Bevittnat av", required=False, max_length=120)
    personal_number = forms.CharField(
        label="Personnummer eller samordningsnummer",
        required=False,
        max_length=15,
        help_text="Med samtycket registreras personen med namn.",
    )
    first_name = forms.CharField(label="Förnamn", required=False, max_length=100)
    last_name = forms.CharField(label="Efternamn", required=False, max_length=100)

    def __init__(self, *args, interventions, named: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["personal_number"].error_messages["required"] = (
            "Ange personnummer eller samordningsnummer."
        )
        self.fields["first_name"].error_messages["required"] = "Ange förnamn."
        self.fields["last_name"].error_messages["required"] = "Ange efternamn."
        self.fields["intervention"].queryset = interventions
        self.named = named
        for name in ("personal_number", "first_name", "last_name"):
            if named:
                del self.fields[name]
            else:
                self.fields[name].required = True

    def clean(self):
        data = super().clean()
        if data.get("given_on") and data["given_on"] > _today():
            self.add_error("given_on", "Samtycket kan inte vara daterat i framtiden.")
        return data


class CorrectionForm(forms.Form):
    """Rättelse (GDPR art. 16): the person's details as they should be."""

    personal_number = forms.CharField(
        label="Personnummer eller samordningsnummer", max_length=15, required=False
    )
    first_name = forms.CharField(label="Förnamn", required=False, max_length=100)
    last_name = forms.CharField(label="Efternamn", required=False, max_length=100)
    gender = forms.ChoiceField(label="Kön", choices=Gender.choices)
    municipality = forms.CharField(label="Kommun", max_length=80)
    country_of_birth = forms.CharField(label="Födelseland", required=False, max_length=80)
    arrival_year = forms.IntegerField(
        label="År för ankomst till Sverige", required=False, min_value=1900, max_value=2100
    )
    interpreter_language = forms.CharField(label="Tolkspråk", required=False, max_length=60)
    phone = forms.CharField(label="Telefon", required=False, max_length=40)
    email = forms.EmailField(label="E-post", required=False)
    address = forms.CharField(label="Adress", required=False, max_length=200)
    note = forms.CharField(
        label="Varför rättas uppgifterna?",
        max_length=300,
        help_text="Till exempel: personen begärde rättelse av stavningen.",
    )

    ANONYMOUS_FIELDS = ("gender", "municipality", "note")

    def __init__(self, *args, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            for name in list(self.fields):
                if name not in self.ANONYMOUS_FIELDS:
                    del self.fields[name]

    def clean_personal_number(self):
        value = self.cleaned_data.get("personal_number", "").strip()
        if not value:
            return value
        try:
            return parse_personal_number(value, _today()).formatted
        except PersonalNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc


class SubjectAccessForm(forms.Form):
    """The register extract on the data subject's own request, found by number."""

    personal_number = forms.CharField(
        label="Den registrerades personnummer eller samordningsnummer", max_length=15
    )
    requested_on = forms.DateField(label="Begäran mottagen", widget=DATE, initial=_today)
    note = forms.CharField(
        label="Ärende eller diarienummer", max_length=120, help_text="Loggas med uttaget."
    )

    def clean_personal_number(self):
        try:
            return parse_personal_number(self.cleaned_data["personal_number"], _today())
        except PersonalNumberError as exc:
            raise forms.ValidationError(str(exc)) from exc
