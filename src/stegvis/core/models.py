"""Organisations, people, memberships and the audit log (SPEC §1)."""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from stegvis.core.fields import LimitedTextField
from stegvis.core.roles import Perm, Role, role_has_perm
from stegvis.core.tenancy import TenantLink, TenantManager, TenantModel, TenantQuerySet
from stegvis.core.validators import normalise_orgnr, validate_giro, validate_orgnr


class User(AbstractUser):
    """A staff member. Personal contact details live here; roles live on memberships."""

    title = models.CharField("titel", max_length=120, blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)

    class Meta:
        verbose_name = "användare"
        verbose_name_plural = "användare"

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Federation(models.Model):
    """The tenant: a samordningsförbund or a regional NAD organisation."""

    slug = models.SlugField("kortnamn", max_length=60, unique=True)
    name = models.CharField("namn", max_length=200)
    settings = models.JSONField("inställningar", default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "förbund"
        verbose_name_plural = "förbund"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def setting(self, key: str):
        """A federation setting, falling back to the product default (settings.STEGVIS_DEFAULTS)."""
        if key in self.settings:
            return self.settings[key]
        return settings.STEGVIS_DEFAULTS[key]


class Authority(TenantModel):
    """A member organisation (huvudman): AF, FK, a municipality or a region."""

    class Kind(models.TextChoices):
        AF = "af", "Arbetsförmedlingen"
        FK = "fk", "Försäkringskassan"
        KOMMUN = "kommun", "Kommun"
        REGION = "region", "Region"
        OTHER = "other", "Annan"

    kind = models.CharField("typ", max_length=10, choices=Kind.choices)
    name = models.CharField("namn", max_length=200)
    municipality_code = models.CharField("kommunkod", max_length=4, blank=True)
    is_member = models.BooleanField("medlem i förbundet", default=True)

    class Meta:
        verbose_name = "huvudman"
        verbose_name_plural = "huvudmän"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="authority_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Hub(TenantModel):
    """A knutpunkt grouping local working groups (e.g. Nordöst/Kristianstad)."""

    slug = models.SlugField("kortnamn", max_length=60)
    name = models.CharField("namn", max_length=120)
    seat = models.CharField("ort", max_length=120, blank=True)
    municipalities = models.JSONField("kommuner", default=list, blank=True)

    class Meta:
        verbose_name = "knutpunkt"
        verbose_name_plural = "knutpunkter"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "slug"], name="hub_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Association(TenantModel):
    """A förening that runs activities and receives compensation."""

    class PaymentKind(models.TextChoices):
        BANKGIRO = "bankgiro", "Bankgiro"
        PLUSGIRO = "plusgiro", "Plusgiro"
        BANK_ACCOUNT = "bank_account", "Bankkonto"

    name = models.CharField("namn", max_length=200)
    organisation_number = models.CharField(
        "organisationsnummer", max_length=11, validators=[validate_orgnr]
    )
    hub = models.ForeignKey(
        Hub, verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    municipality = models.CharField("kommun", max_length=80, blank=True)
    contact_name = models.CharField("kontaktperson", max_length=120, blank=True)
    contact_email = models.EmailField("e-post", blank=True)
    contact_phone = models.CharField("telefon", max_length=40, blank=True)
    payment_kind = models.CharField(
        "utbetalning via", max_length=12, choices=PaymentKind.choices, blank=True
    )
    payment_number = models.CharField("konto-/gironummer", max_length=40, blank=True)
    description = LimitedTextField("verksamhet", blank=True)
    active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "förening"
        verbose_name_plural = "föreningar"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "organisation_number"], name="association_unique_orgnr"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.organisation_number:
            with contextlib.suppress(ValueError):  # the field validator reports it
                self.organisation_number = normalise_orgnr(self.organisation_number)
        if self.payment_kind and self.payment_number:
            error = validate_giro(self.payment_kind, self.payment_number)
            if error:
                raise ValidationError({"payment_number": error})


class Membership(TenantModel):
    """A user's role in one federation, optionally scoped to an authority and interventions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("roll", max_length=30, choices=Role.choices)
    authority = models.ForeignKey(
        Authority,
        verbose_name="organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    association = models.ForeignKey(
        Association,
        verbose_name="förening",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    hub = models.ForeignKey(
        Hub, verbose_name="knutpunkt", null=True, blank=True, on_delete=models.SET_NULL
    )
    interventions = models.ManyToManyField(
        "interventions.Intervention",
        verbose_name="insatser",
        blank=True,
        related_name="staff",
        through="core.MembershipIntervention",
    )
    # Further roles of the same person in the same federation, given explicitly (an
    # administrator who is also a case worker holds both; SPEC §1, as in SUS).
    extra_roles = models.JSONField("fler roller", default=list, blank=True)
    responsibilities = models.CharField("gör vad", max_length=300, blank=True)
    is_active = models.BooleanField("aktiv", default=True)

    class Meta:
        verbose_name = "medlemskap"
        verbose_name_plural = "medlemskap"
        constraints = [
            models.UniqueConstraint(fields=["federation", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["federation", "role"], name="membership_fed_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def roles(self) -> tuple[str, ...]:
        """The main role first, then the extra ones (each once)."""
        extra = [r for r in (self.extra_roles or []) if r != self.role and r in Role.values]
        return (self.role, *dict.fromkeys(extra))

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def has_perm(self, perm: str) -> bool:
        if not self.is_active:
            return False
        if any(role_has_perm(role, perm) for role in self.roles):
            return True
        # Emergency access lends the right to see every participant for a limited time.
        return perm == Perm.VIEW_ALL_PERSONAL_DATA and self.emergency_access_active()

    def emergency_access_active(self) -> bool:
        cached = self.__dict__.get("_emergency_cache")
        if cached is None:
            from stegvis.core.emergency import active_emergency_access

            # ``emergency_flag`` is annotated by the request's membership query, so a page
            # without emergency access asks nothing more.
            if self.__dict__.get("emergency_flag") is False:
                cached = (None,)
            else:
                cached = (active_emergency_access(self),)
            self._emergency_cache = cached
        return cached[0] is not None

    @property
    def emergency_access(self):
        return self._emergency_cache[0] if self.emergency_access_active() else None

    def get_role_display(self) -> str:
        labels = dict(Role.choices)
        return " och ".join(labels.get(role, role) for role in self.roles)

    @property
    def organisation_name(self) -> str:
        if self.association_id:
            return self.association.name
        if self.authority_id:
            return self.authority.name
        return ""


class WorkingGroup(TenantModel):
    """A samverkansgrupp: association coordinator, AF case worker and process lead, and others."""

    hub = models.ForeignKey(
        Hub, verbose_name="knutpunkt", on_delete=models.PROTECT, related_name="working_groups"
    )
    name = models.CharField("namn", max_length=160)
    members = models.ManyToManyField(
        Membership,
        verbose_name="medlemmar",
        blank=True,
        related_name="working_groups",
        through="core.WorkingGroupMember",
    )
    meets = models.CharField("träffas", max_length=160, blank=True)

    class Meta:
        verbose_name = "samverkansgrupp"
        verbose_name_plural = "samverkansgrupper"
        ordering = ["hub__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="workinggroup_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MembershipIntervention(TenantLink):
    """A staff member works in an intervention (their scope of personal data)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    intervention = models.ForeignKey("interventions.Intervention", on_delete=models.CASCADE)

    class Meta:
        verbose_name = "insats för medlemskap"
        verbose_name_plural = "insatser för medlemskap"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "membership", "intervention"],
                name="membershipintervention_unique",
            )
        ]


class WorkingGroupMember(TenantLink):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "medlem i samverkansgrupp"
        verbose_name_plural = "medlemmar i samverkansgrupp"
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "group", "membership"], name="workinggroupmember_unique"
            )
        ]


class AuditQuerySet(TenantQuerySet):
    """The audit log is append-only: the application may insert, never change or remove."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("Loggen kan inte ändras.")

    def delete(self):
        raise AuditLogIsAppendOnly("Loggen kan inte raderas.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("Loggen kan inte ändras.")

    def update_or_create(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Loggen kan inte ändras.")


class AuditLogIsAppendOnly(PermissionError):
    pass


class AuditManager(TenantManager):
    _queryset_class = AuditQuerySet


class AuditEntry(TenantModel):
    """Who did what to which record, when, in which request (SPEC §1)."""

    class Action(models.TextChoices):
        READ = "read", "Läsning"
        CREATE = "create", "Skapande"
        UPDATE = "update", "Ändring"
        DELETE = "delete", "Radering"
        EXPORT = "export", "Export"
        LOGIN = "login", "Inloggning"
        LOGOUT = "logout", "Utloggning"
        FAILED_LOGIN = "failed_login", "Misslyckad inloggning"
        EMERGENCY_ACCESS = "emergency_access", "Nödåtkomst"

    time = models.DateTimeField("tid", default=timezone.now, editable=False)
    # No database constraint: deleting or renaming a user must never touch the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField("användare", max_length=150, blank=True)
    action = models.CharField("händelse", max_length=20, choices=Action.choices)
    object_type = models.CharField("objekttyp", max_length=60, blank=True)
    object_id = models.CharField("objekt-id", max_length=64, blank=True)
    request_id = models.CharField("anrops-id", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("ip-adress", null=True, blank=True)
    reason = models.CharField("syfte", max_length=200, blank=True)
    # Identifiers and counts only: never names, numbers or free text about a person.
    detail = models.JSONField("detaljer", default=dict, blank=True)

    objects = AuditManager()

    class Meta:
        verbose_name = "loggpost"
        verbose_name_plural = "loggposter"
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["federation", "time"], name="audit_fed_time"),
            models.Index(
                fields=["federation", "object_type", "object_id"], name="audit_fed_object"
            ),
            models.Index(fields=["federation", "actor_username"], name="audit_fed_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Loggen kan inte ändras.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("Loggen kan inte raderas.")


class EmergencyAccess(TenantModel):
    """Nödåtkomst: a member sees every participant of the federation for a limited time, with
    a stated reason. Starting and ending it are audit actions of their own, and every read
    during it carries the reason; the log-review page lists each one."""

    MAX_HOURS = 8

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="emergency_accesses"
    )
    reason = models.CharField("skäl", max_length=300)
    started_at = models.DateTimeField("från", default=timezone.now)
    expires_at = models.DateTimeField("till")
    ended_at = models.DateTimeField("avslutad", null=True, blank=True)

    class Meta:
        verbose_name = "nödåtkomst"
        verbose_name_plural = "nödåtkomster"
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(
                fields=["federation", "membership", "expires_at"], name="emergency_fed_member"
            )
        ]

    def __str__(self) -> str:
        return f"Nödåtkomst {self.started_at:%Y-%m-%d %H:%M}"

    def is_active_at(self, moment) -> bool:
        return self.ended_at is None and self.started_at <= moment < self.expires_at


class LoginFailure(models.Model):
    """A failed login attempt, kept for throttling (global: it precedes any federation)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    time = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {self.time:%Y-%m-%d %H:%M}"


class LoginAddress(models.Model):
    """An address a user has logged in from: an address that fails too often is refused only
    for accounts that have never logged in from it, so it cannot lock out its own users."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_addresses"
    )
    ip_address = models.GenericIPAddressField()
    last_success = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ip_address"], name="loginaddress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.ip_address}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the key is shown once."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("namn", max_length=100, blank=True)
    key_prefix = models.CharField(max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API-nyckel"
        verbose_name_plural = "API-nycklar"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.name})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return "stv_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ReferenceCode(TenantModel):
    """One entry of an editable code list (exit reasons, AF codes, income sources, …)."""

    class Kind(models.TextChoices):
        GENDER = "gender", "Kön"
        EXIT_REASON = "exit_reason", "Avslutsorsak"
        AF_CODE = "af_code", "Inskrivningskod (AF)"
        INCOME_SOURCE = "income_source", "Försörjningskälla"
        EDUCATION_LEVEL = "education_level", "Utbildningsnivå"
        TIME_OUTSIDE = "time_outside", "Tid utan arbete/studier"

    kind = models.CharField("lista", max_length=20, choices=Kind.choices)
    key = models.CharField("nyckel", max_length=40)
    label = models.CharField("benämning", max_length=120)
    position = models.PositiveIntegerField("ordning", default=0)
    active = models.BooleanField("aktiv", default=True)
    # e.g. {"work_or_studies": true} or {"excluded_from_statistics": true}
    flags = models.JSONField("egenskaper", default=dict, blank=True)

    class Meta:
        verbose_name = "kod"
        verbose_name_plural = "kodlistor"
        ordering = ["kind", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "kind", "key"], name="referencecode_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.label
