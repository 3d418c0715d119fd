"""Participants, consent, referral, enrolment and hand-over (SPEC §3, §7)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from stegvis.core.fields import EncryptedTextField, LimitedTextField
from stegvis.core.tenancy import TenantModel


class Gender(models.TextChoices):
    KVINNA = "kvinna", "Kvinna"
    MAN = "man", "Man"
    ANNAT = "annat", "Annat/ej angivet"


def _sort_name(name: str) -> models.GeneratedField:
    """A name as lists sort by it, kept by the database: blank for a protected identity."""
    return models.GeneratedField(
        expression=models.Case(
            models.When(protected_identity=True, then=models.Value("")),
            default=models.F(name),
        ),
        output_field=models.CharField(max_length=100),
        db_persist=True,
    )


class Participant(TenantModel):
    """A person. Without consent, or with protected identity, only an anonymous record exists:
    gender, birth year and municipality (as in SUS)."""

    # Identity: the number is stored encrypted; the HMAC finds the same person again.
    personal_number = EncryptedTextField("personnummer", blank=True)
    personal_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    is_coordination_number = models.BooleanField("samordningsnummer", default=False)
    is_anonymous = models.BooleanField("anonym", default=False)
    protected_identity = models.BooleanField("skyddad identitet", default=False)

    first_name = models.CharField("förnamn", max_length=100, blank=True)
    last_name = models.CharField("efternamn", max_length=100, blank=True)
    birth_date = models.DateField("födelsedatum", null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField("födelseår")
    gender = models.CharField("kön", max_length=10, choices=Gender.choices)
    municipality = models.CharField("kommun", max_length=80, blank=True)

    born_abroad = models.BooleanField("född utomlands", null=True, blank=True)
    country_of_birth = models.CharField("födelseland", max_length=80, blank=True)
    arrival_year = models.PositiveSmallIntegerField(
        "år för ankomst till Sverige", null=True, blank=True
    )
    languages = models.JSONField("språk", default=list, blank=True)
    interpreter_needed = models.BooleanField("behöver tolk", default=False)
    interpreter_language = models.CharField("tolkspråk", max_length=60, blank=True)
    education_level = models.CharField("utbildningsnivå", max_length=40, blank=True)

    phone = models.CharField("telefon", max_length=40, blank=True)
    email = models.EmailField("e-post", blank=True)
    address = models.CharField("adress", max_length=200, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    anonymised_at = models.DateTimeField("avidentifierad", null=True, blank=True)

    # Lists sort by these, never by the names themselves: where a masked row falls among
    # named ones (or among other masked ones) would tell its name. A protected identity's are
    # blank, so such rows sort together by registration (``LIST_ORDER``).
    sort_last_name = _sort_name("last_name")
    sort_first_name = _sort_name("first_name")

    class Meta:
        verbose_name = "deltagare"
        verbose_name_plural = "deltagare"
        indexes = [
            models.Index(
                fields=["federation", "last_name", "first_name"], name="participant_fed_name"
            ),
            # Lists' order (``LIST_ORDER``): a page of a long list walks this index and stops.
            models.Index(
                fields=[
                    "federation",
                    "is_anonymous",
                    "protected_identity",
                    "sort_last_name",
                    "sort_first_name",
                    "id",
                ],
                name="participant_fed_list",
            ),
        ]
        constraints = [
            # Also the index of look-ups by hash (they add the same "not empty" condition).
            models.UniqueConstraint(
                fields=["federation", "personal_number_hash"],
                condition=~models.Q(personal_number_hash=""),
                name="participant_unique_number",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    # Named people by last and first name, then protected identities, then anonymous records,
    # each group in a fixed order that reveals nothing about a masked name.
    LIST_ORDER = ("is_anonymous", "protected_identity", "sort_last_name", "sort_first_name", "id")

    @classmethod
    def list_order(cls, prefix: str = "") -> list[str]:
        """``LIST_ORDER`` through a relation, e.g. ``list_order("participant__")``."""
        return [f"{prefix}{name}" for name in cls.LIST_ORDER]

    @property
    def reference(self) -> str:
        """A neutral reference that never reveals who the person is."""
        return f"D-{self.pk:06d}" if self.pk else "D-ny"

    @property
    def display_name(self) -> str:
        if self.is_anonymous:
            return f"Anonym {self.reference}"
        if self.identity_masked:
            return f"Skyddad identitet {self.reference}"
        return f"{self.first_name} {self.last_name}".strip() or self.reference

    # A protected identity's name and number are shown only where a selector has found the
    # viewer to be the person's main contact (``selectors.reveal_identity``).
    identity_visible = False

    @property
    def identity_masked(self) -> bool:
        return self.protected_identity and not self.identity_visible

    def age_on(self, day: date) -> int:
        if self.birth_date:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        # Anonymous records know only the year; count as if born 1 July (SUS does the same).
        return day.year - self.birth_year - ((day.month, day.day) < (7, 1))


class Consent(TenantModel):
    """Consent to register personal data in one intervention (a new intervention needs a new
    consent, as in SUS)."""

    class Method(models.TextChoices):
        WRITTEN = "written", "Skriftligt"
        VERBAL = "verbal", "Muntligt"
        # Imported history: the consent was given in the federation's earlier register.
        IMPORTED = "imported", "Överfört från tidigare register"

    class Scope(models.TextChoices):
        REGISTRATION = "registration", "Registrering och uppföljning i insatsen"
        SHARING = "sharing", "Registrering och informationsutbyte mellan huvudmännen"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.PROTECT, related_name="consents"
    )
    scope = models.CharField("omfattning", max_length=20, choices=Scope.choices)
    method = models.CharField("hur", max_length=10, choices=Method.choices)
    language = models.CharField("samtyckestextens språk", max_length=10, default="sv")
    given_on = models.DateField("datum")
    witnessed_by = models.CharField("bevittnat av", max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField("återkallat", null=True, blank=True)
    withdrawn_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawal_note = models.CharField("anteckning om återkallelse", max_length=300, blank=True)

    class Meta:
        verbose_name = "samtycke"
        verbose_name_plural = "samtycken"
        ordering = ["-given_on", "-id"]
        indexes = [
            models.Index(fields=["federation", "participant"], name="consent_fed_participant")
        ]

    def __str__(self) -> str:
        return f"Samtycke {self.given_on} ({self.get_method_display()})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Referral(TenantModel):
    """An anvisning: a case worker at an authority asks for a person to be enrolled."""

    class Status(models.TextChoices):
        PENDING = "pending", "Ej beslutad"
        ACCEPTED = "accepted", "Antagen"
        WAITLISTED = "waitlisted", "Väntelista"
        DECLINED = "declined", "Avböjd"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="referrals")
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.PROTECT, related_name="referrals"
    )
    referring_authority = models.ForeignKey(
        "core.Authority",
        verbose_name="anvisande myndighet",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_on = models.DateField("anvisad")
    planned_start = models.DateField("planerad start", null=True, blank=True)
    reason = LimitedTextField("skäl")
    notes = LimitedTextField("anteckningar", blank=True)
    # Facts the eligibility rules need that are not on the participant.
    unemployed = models.BooleanField("arbetslös", null=True, blank=True)
    income_months = models.JSONField(
        "försörjning senaste 12 månaderna",
        default=dict,
        blank=True,
        help_text="Antal månader med varje försörjningskälla under de senaste 12 månaderna.",
    )
    eligibility = models.JSONField("behörighetsprövning", default=list, blank=True)
    eligible = models.BooleanField("uppfyller villkoren", null=True)

    status = models.CharField(
        "beslut", max_length=12, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField("beslutsdatum", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField("skäl till avböjande", max_length=300, blank=True)
    waitlist_position = models.PositiveIntegerField("plats i kön", null=True, blank=True)

    class Meta:
        verbose_name = "anvisning"
        verbose_name_plural = "anvisningar"
        ordering = ["-referred_on", "-id"]
        indexes = [
            models.Index(
                fields=["federation", "intervention", "status"], name="referral_fed_iv_status"
            ),
            models.Index(fields=["federation", "participant"], name="referral_fed_participant"),
        ]

    def __str__(self) -> str:
        return f"Anvisning {self.referred_on} till {self.intervention_id}"


class Enrolment(TenantModel):
    """One episode of a participant in an intervention (deltagande), from start to exit."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrolments"
    )
    intervention = models.ForeignKey(
        "interventions.Intervention", on_delete=models.PROTECT, related_name="enrolments"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments"
    )
    start_date = models.DateField("startdatum")
    main_contact = models.ForeignKey(
        "core.Membership",
        verbose_name="huvudkontakt",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_contact_for",
    )

    # In-registration (SUS-like).
    income_sources_before = models.JSONField("försörjning vid start", default=list, blank=True)
    af_code_before = models.CharField("AF-kod vid start", max_length=20, blank=True)
    education_level = models.CharField("utbildningsnivå", max_length=40, blank=True)
    time_outside = models.CharField("tid utan arbete/studier", max_length=20, blank=True)

    # Exit (avslut) and out-registration.
    end_date = models.DateField("slutdatum", null=True, blank=True)
    exit_reason = models.CharField("avslutsorsak", max_length=40, blank=True)
    income_sources_after = models.JSONField("försörjning vid avslut", default=list, blank=True)
    af_code_after = models.CharField("AF-kod vid avslut", max_length=20, blank=True)
    exit_note = models.CharField("anteckning vid avslut", max_length=300, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    imported = models.BooleanField("importerad", default=False)

    class Meta:
        verbose_name = "deltagande"
        verbose_name_plural = "deltaganden"
        ordering = ["-start_date", "-id"]
        indexes = [
            # End date and exit reason ride along so that counts per intervention (the
            # methods report, the reports' selections) read the index alone: on SQLite they
            # walked it and read every enrolment's row, at random, for its exit reason.
            models.Index(
                fields=["federation", "intervention", "start_date", "end_date", "exit_reason"],
                name="enrolment_fed_iv_start",
            ),
            # A person's enrolments; with end date and exit reason along, the exits per
            # person's gender (exit-gender) read the index in person order, and the people in
            # the order they are stored, instead of each enrolment's row at random.
            models.Index(
                fields=["federation", "participant", "end_date", "exit_reason"],
                name="enrolment_fed_participant",
            ),
            # "Mina deltagare": a case worker's active enrolments, found without reading the
            # federation's other active ones.
            models.Index(
                fields=["federation", "main_contact", "end_date"], name="enrolment_fed_contact_end"
            ),
            # Ongoing (end date null) or ended enrolments; with the intervention last, "Pågående
            # i mina insatser" is counted from the index alone, without reading the rows.
            models.Index(
                fields=["federation", "end_date", "intervention"], name="enrolment_fed_end_iv"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="enrolment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["federation", "referral"],
                condition=models.Q(referral__isnull=False),
                name="enrolment_unique_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"Deltagande {self.start_date} i {self.intervention_id}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    @property
    def has_started(self) -> bool:
        return self.start_date <= timezone.localdate()

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class HandOver(TenantModel):
    """A change of main contact, so the person always knows who carries the case."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="handovers")
    from_contact = models.ForeignKey(
        "core.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_contact = models.ForeignKey(
        "core.Membership", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_over_on = models.DateField("datum")
    note = LimitedTextField("överlämning", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "överlämning"
        verbose_name_plural = "överlämningar"
        ordering = ["-handed_over_on", "-id"]

    def __str__(self) -> str:
        return f"Överlämning {self.handed_over_on}"


class FollowUp(TenantModel):
    """A follow-up 6 or 12 months after exit, with its own out-registration (SPEC §7).

    Created as a task when an enrolment is exited (not for felregistrering); the case worker
    records what the person does then, or that they could not be reached.
    """

    MONTHS = (6, 12)

    class Status(models.TextChoices):
        PLANNED = "planned", "Ej gjord"
        DONE = "done", "Gjord"
        NOT_REACHED = "not_reached", "Gick inte att nå"

    class Situation(models.TextChoices):
        ARBETE = "arbete", "Arbete"
        STUDIER = "studier", "Studier"
        ARBETSSOKANDE = "arbetssokande", "Arbetssökande"
        INSATS = "insats", "I annan insats"
        SJUKSKRIVEN = "sjukskriven", "Sjukskriven"
        FORALDRALEDIG = "foraldraledig", "Föräldraledig"
        ANNAT = "annat", "Annat"

    WORK_OR_STUDIES = frozenset({Situation.ARBETE, Situation.STUDIER})

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="followups")
    months = models.PositiveSmallIntegerField("månader efter avslut")
    due_on = models.DateField("ska göras")
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField("gjord", null=True, blank=True)
    situation = models.CharField(
        "sysselsättning", max_length=20, choices=Situation.choices, blank=True
    )
    income_sources = models.JSONField("försörjning", default=list, blank=True)
    af_code = models.CharField("AF-kod", max_length=20, blank=True)
    note = models.CharField("anteckning", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "uppföljning"
        verbose_name_plural = "uppföljningar"
        ordering = ["due_on", "months", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "enrolment", "months"], name="followup_unique_months"
            )
        ]
        indexes = [
            models.Index(fields=["federation", "status", "due_on"], name="followup_fed_status_due"),
            models.Index(fields=["federation", "enrolment"], name="followup_fed_enrolment"),
        ]

    def __str__(self) -> str:
        return f"Uppföljning {self.months} månader"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PLANNED

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_on < today


class Correction(TenantModel):
    """A correction of a person's details (GDPR art. 16) with the old and new values.

    Made directly by staff who see the person, or proposed when a registration or an import
    finds the person again by number with other details: the proposal waits for the main
    contact, and nothing stored changes until he confirms it. The values are encrypted like
    the personnummer and erased when the person is anonymised.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Föreslagen"
        APPLIED = "applied", "Genomförd"
        REJECTED = "rejected", "Avvisad"

    class Source(models.TextChoices):
        MANUAL = "manual", "Rättelse"
        REGISTRATION = "registration", "Ny registrering med samma personnummer"
        IMPORT = "import", "Import med samma personnummer"

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="corrections"
    )
    source = models.CharField("källa", max_length=20, choices=Source.choices)
    status = models.CharField("status", max_length=10, choices=Status.choices)
    fields = models.JSONField("fält", default=list)
    # {"field": [old, new], ...} as JSON, encrypted.
    values = EncryptedTextField("gamla och nya värden", blank=True)
    note = models.CharField("anteckning", max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "rättelse"
        verbose_name_plural = "rättelser"
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(
                fields=["federation", "participant", "status"], name="correction_fed_participant"
            )
        ]

    def __str__(self) -> str:
        return f"Rättelse {self.proposed_at:%Y-%m-%d}"

    @property
    def changes(self) -> dict:
        """{field: [old, new]}; empty once erased (or if the stored text is not the JSON the
        services write)."""
        import json

        try:
            changes = json.loads(self.values) if self.values else {}
        except ValueError:
            return {}
        return changes if isinstance(changes, dict) else {}
