"""Consent is the gate (SPEC §3, issue: tenant boundaries and consent).

A named person is seen through an intervention only while he has an active consent for it
(or an open referral no withdrawal has overtaken); every write of his data in an intervention
needs that consent; a withdrawal removes him from that intervention's staff from its date.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from stegvis.core.models import AuditEntry
from stegvis.core.personnummer import generate_personal_number
from stegvis.core.roles import Role
from stegvis.core.tenancy import federation_scope
from stegvis.participants import selectors, services
from stegvis.participants.access import ConsentRequired, visible_intervention_ids
from stegvis.participants.models import Consent, Correction, Enrolment, Participant

TODAY = timezone.localdate()


@pytest.fixture
def scoped(federation):
    with federation_scope(federation):
        yield federation


@pytest.fixture
def worker_x(scoped, intervention, make_member):
    return make_member(scoped, Role.CASE_WORKER, "xena", interventions=[intervention])


@pytest.fixture
def worker_y(scoped, other_intervention, make_member):
    return make_member(scoped, Role.CASE_WORKER, "yusuf", interventions=[other_intervention])


def _details(number="", **kw):
    return services.PersonDetails(
        gender=kw.pop("gender", "kvinna"),
        birth_year=kw.pop("birth_year", 1990),
        municipality=kw.pop("municipality", "Kristianstad"),
        personal_number=number,
        first_name=kw.pop("first_name", "Amal"),
        last_name=kw.pop("last_name", "Haddad"),
        **kw,
    )


def _consent(days_ago=30, scope=Consent.Scope.REGISTRATION):
    return services.ConsentDetails(
        scope=scope, method=Consent.Method.WRITTEN, given_on=TODAY - timedelta(days=days_ago)
    )


def _number(seed=1):
    return generate_personal_number(random.Random(seed), date(1990, 5, 17), "kvinna")


def _register(worker, intervention, number, consent=None, **kw):
    participant, _ = services.participant_register(
        actor=worker.user,
        membership=worker,
        intervention=intervention,
        details=_details(number, **kw),
        consent=consent or _consent(),
    )
    return participant


def _referral(worker, participant, intervention, days_ago=20):
    return services.referral_create(
        actor=worker.user,
        membership=worker,
        participant=participant,
        intervention=intervention,
        reason="Behöver stöd.",
        referred_on=TODAY - timedelta(days=days_ago),
    )


def _visible(worker, participant) -> bool:
    in_sql = selectors.participants_in_scope(worker).filter(pk=participant.pk).exists()
    # The person's pages decide the same from his own rows (``selectors.in_scope``).
    assert selectors.in_scope(Participant.objects.get(pk=participant.pk), worker) is in_sql
    return in_sql


# --- Seeing a person ---------------------------------------------------------------------


def test_named_person_is_seen_only_through_an_intervention_with_his_consent(
    worker_x, worker_y, intervention, other_intervention
):
    person = _register(worker_x, intervention, _number())
    assert _visible(worker_x, person)
    assert not _visible(worker_y, person)


def test_accepting_a_referral_without_consent_for_that_intervention_is_refused(
    worker_x, worker_y, intervention, other_intervention
):
    person = _register(worker_x, intervention, _number())
    referral = _referral(worker_y, person, other_intervention)
    # The open referral lets Y's staff see the person they are asked to take in ...
    assert _visible(worker_y, person)
    with pytest.raises(ConsentRequired, match="Samtycke saknas"):
        services.referral_accept(
            actor=worker_y.user, membership=worker_y, referral=referral, start_date=TODAY
        )
    # ... but nothing is written: no enrolment, the referral still open.
    referral.refresh_from_db()
    assert referral.status == "pending"
    assert not Enrolment.objects.filter(participant=person, intervention=other_intervention)


def test_with_consent_recorded_on_the_spot_the_referral_can_be_accepted(
    worker_y, worker_x, intervention, other_intervention
):
    person = _register(worker_x, intervention, _number())
    referral = _referral(worker_y, person, other_intervention)
    services.consent_record(
        actor=worker_y.user,
        membership=worker_y,
        participant=person,
        intervention=other_intervention,
        details=_consent(days_ago=0),
    )
    enrolment = services.referral_accept(
        actor=worker_y.user, membership=worker_y, referral=referral, start_date=TODAY
    )
    assert enrolment.intervention == other_intervention


@pytest.mark.parametrize(
    ("scope", "y_sees_x"), [(Consent.Scope.SHARING, True), (Consent.Scope.REGISTRATION, False)]
)
def test_sharing_consent_opens_the_intervention_to_staff_of_the_persons_other_ones(
    worker_x, worker_y, intervention, other_intervention, scope, y_sees_x
):
    person = _register(worker_x, intervention, _number(), consent=_consent(scope=scope))
    services.consent_give(
        actor=worker_y.user,
        participant=person,
        intervention=other_intervention,
        details=_consent(scope=Consent.Scope.REGISTRATION),
    )
    ids = visible_intervention_ids(person, worker_y)
    assert other_intervention.pk in ids
    assert (intervention.pk in ids) is y_sees_x
    # X's staff never see Y's sections: Y's consent only covers registration.
    assert other_intervention.pk not in visible_intervention_ids(person, worker_x)


# --- Withdrawal --------------------------------------------------------------------------


def _enrolled(worker, person, intervention):
    referral = _referral(worker, person, intervention)
    return services.referral_accept(
        actor=worker.user,
        membership=worker,
        referral=referral,
        start_date=TODAY - timedelta(days=15),
        main_contact=worker,
    )


def test_withdrawal_hides_the_person_from_that_interventions_staff_from_its_date(
    worker_x, worker_y, intervention, other_intervention
):
    person = _register(worker_x, intervention, _number())
    services.consent_give(
        actor=worker_y.user,
        participant=person,
        intervention=other_intervention,
        details=_consent(),
    )
    enrolment = _enrolled(worker_x, person, intervention)
    consent = person.consents.get(intervention=intervention)
    services.consent_withdraw(actor=worker_x.user, consent=consent, withdrawn_on=TODAY)
    assert not _visible(worker_x, person)
    with pytest.raises(Http404):
        selectors.participant_get(membership=worker_x, pk=person.pk)
    with pytest.raises(Http404):
        selectors.enrolment_get(membership=worker_x, pk=enrolment.pk)
    # Y's staff, with their own consent in force, still see him.
    assert selectors.participant_get(membership=worker_y, pk=person.pk) == person
    # The enrolment ends that day and stays for the statistics.
    enrolment.refresh_from_db()
    assert enrolment.end_date == TODAY
    assert not selectors.caseload(
        membership=worker_x, filters=selectors.CaseloadFilters(status="all", mine=False)
    ).filter(pk=enrolment.pk)


def test_withdrawal_dated_tomorrow_is_refused_and_yesterday_takes_effect(worker_x, intervention):
    person = _register(worker_x, intervention, _number())
    consent = person.consents.get()
    with pytest.raises(Exception, match="framtiden"):
        services.consent_withdraw(
            actor=worker_x.user, consent=consent, withdrawn_on=TODAY + timedelta(days=1)
        )
    services.consent_withdraw(
        actor=worker_x.user, consent=consent, withdrawn_on=TODAY - timedelta(days=1)
    )
    assert not _visible(worker_x, person)


def test_no_new_registration_after_withdrawal_until_consent_is_given_again(worker_x, intervention):
    person = _register(worker_x, intervention, _number())
    enrolment = _enrolled(worker_x, person, intervention)
    services.consent_withdraw(
        actor=worker_x.user, consent=person.consents.get(), withdrawn_on=TODAY
    )
    with pytest.raises(ConsentRequired):
        services.enrolment_create(
            actor=worker_x.user,
            membership=worker_x,
            participant=person,
            intervention=intervention,
            start_date=TODAY + timedelta(days=1),
        )
    with pytest.raises(ConsentRequired):
        services.enrolment_hand_over(
            actor=worker_x.user,
            membership=worker_x,
            enrolment=enrolment,
            to_contact=worker_x,
            handed_over_on=TODAY,
        )


def test_purge_removes_identity_after_withdrawal_grace_period_and_logs_it(
    worker_x, intervention, scoped
):
    person = _register(worker_x, intervention, _number())
    withdrawn_on = TODAY - timedelta(days=5)
    services.consent_withdraw(
        actor=worker_x.user, consent=person.consents.get(), withdrawn_on=withdrawn_on
    )
    grace = scoped.setting("purge_days_after_withdrawal")
    early = services.participants_purge(
        actor=None, today=withdrawn_on + timedelta(days=grace - 1), dry_run=False
    )
    assert person.pk not in early.anonymised
    report = services.participants_purge(
        actor=None, today=withdrawn_on + timedelta(days=grace), dry_run=False
    )
    assert person.pk in report.anonymised
    person.refresh_from_db()
    assert person.is_anonymous
    assert person.personal_number == ""
    assert person.first_name == ""
    assert AuditEntry.objects.filter(
        object_type="participant", object_id=str(person.pk), reason="samtycke återkallat"
    ).exists()


def test_purge_keeps_a_person_whose_other_consent_is_in_force(
    worker_x, worker_y, intervention, other_intervention
):
    person = _register(worker_x, intervention, _number())
    services.consent_give(
        actor=worker_y.user, participant=person, intervention=other_intervention, details=_consent()
    )
    services.consent_withdraw(
        actor=worker_x.user,
        consent=person.consents.get(intervention=intervention),
        withdrawn_on=TODAY - timedelta(days=1),
    )
    report = services.participants_purge(
        actor=None, today=TODAY + timedelta(days=100), dry_run=False
    )
    assert person.pk not in report.anonymised


# --- Registering a number that is already known ------------------------------------------


def test_known_number_discloses_nothing_and_overwrites_nothing(
    worker_x, worker_y, intervention, other_intervention
):
    number = _number()
    person = _register(worker_x, intervention, number, phone="070-111 11 11")
    found, created = services.participant_register(
        actor=worker_y.user,
        membership=worker_y,
        intervention=other_intervention,
        details=_details(number, first_name="Annan", last_name="Person", phone="070-999"),
        consent=_consent(),
    )
    assert not created
    assert found.pk == person.pk
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone) == (
        "Amal",
        "Haddad",
        "070-111 11 11",
    )
    echo = services.registration_echo(found, _details(number, first_name="Annan"))
    assert echo.last_name == "Haddad"  # the caller sent Haddad in _details
    assert echo.phone == ""  # he sent no phone: the stored one is not disclosed
    correction = Correction.objects.get(participant=person)
    assert correction.status == Correction.Status.PROPOSED
    assert correction.changes["first_name"] == ["Amal", "Annan"]
    assert correction.changes["phone"] == ["070-111 11 11", "070-999"]
    # One participant, two consents: de-duplication stays.
    assert Participant.objects.count() == 1
    assert person.consents.count() == 2


def test_main_contact_confirms_a_proposed_correction_and_others_cannot(
    worker_x, worker_y, intervention, other_intervention
):
    number = _number()
    person = _register(worker_x, intervention, number)
    _enrolled(worker_x, person, intervention)
    services.participant_register(
        actor=worker_y.user,
        membership=worker_y,
        intervention=other_intervention,
        details=_details(number, last_name="Haddad-Ali"),
        consent=_consent(),
    )
    correction = Correction.objects.get()
    with pytest.raises(Exception, match="huvudkontakt"):
        services.correction_decide(
            actor=worker_y.user, membership=worker_y, correction=correction, apply=True
        )
    services.correction_decide(
        actor=worker_x.user, membership=worker_x, correction=correction, apply=True
    )
    person.refresh_from_db()
    assert person.last_name == "Haddad-Ali"
    entry = AuditEntry.objects.filter(object_type="participant", reason="rättelse").get()
    assert entry.detail["fields"] == ["last_name"]


def test_direct_correction_records_old_and_new_values(worker_x, intervention):
    person = _register(worker_x, intervention, _number())
    correction = services.participant_correct(
        actor=worker_x.user,
        membership=worker_x,
        participant=person,
        changes={"last_name": "Hadad", "municipality": "Kristianstad"},
        note="Stavfel enligt personen.",
    )
    assert correction.changes == {"last_name": ["Haddad", "Hadad"]}
    person.refresh_from_db()
    assert person.last_name == "Hadad"


# --- Anonymous and protected identity ----------------------------------------------------


def test_anonymous_registration_is_seen_by_its_registrant_and_becomes_named_with_consent(
    worker_x, worker_y, intervention
):
    person, created = services.participant_register(
        actor=worker_x.user,
        membership=worker_x,
        intervention=intervention,
        details=services.PersonDetails(gender="man", birth_year=1990, municipality="Osby"),
        consent=None,
    )
    assert created
    assert person.is_anonymous
    assert _visible(worker_x, person)
    assert not _visible(worker_y, person)
    _referral(worker_x, person, intervention)
    services.consent_record(
        actor=worker_x.user,
        membership=worker_x,
        participant=person,
        intervention=intervention,
        details=_consent(days_ago=0),
        personal_number=_number(5),
        first_name="Yonas",
        last_name="Tesfaye",
    )
    person.refresh_from_db()
    assert not person.is_anonymous
    assert person.display_name == "Yonas Tesfaye"
    assert _visible(worker_x, person)


def test_protected_identity_shows_name_only_to_the_main_contact(
    worker_x, intervention, make_member, scoped
):
    colleague = make_member(scoped, Role.CASE_WORKER, "kim", interventions=[intervention])
    person = _register(worker_x, intervention, _number(), protected_identity=True)
    _enrolled(worker_x, person, intervention)
    own = selectors.participant_get(membership=worker_x, pk=person.pk)
    assert own.display_name == "Amal Haddad"
    seen = selectors.participant_get(membership=colleague, pk=person.pk)
    assert seen.identity_masked
    assert seen.display_name.startswith("Skyddad identitet")
    assert AuditEntry.objects.filter(
        actor_username="kim", object_id=str(person.pk), detail__protected_identity=True
    ).exists()
    with pytest.raises(Exception, match="huvudkontakten"):
        services.participant_correct(
            actor=colleague.user,
            membership=colleague,
            participant=person,
            changes={"phone": "070"},
        )


def test_protected_identity_is_not_found_by_name_search(worker_x, intervention):
    _register(worker_x, intervention, _number(), protected_identity=True)
    assert not selectors.participants_list(membership=worker_x, query="Haddad").exists()


def test_search_finds_a_person_by_personnummer_and_d_number(worker_x, intervention):
    number = _number()
    person = _register(worker_x, intervention, number)
    compact = number.replace("-", "")
    for query in (number, compact, person.reference, person.reference.lower()):
        assert list(selectors.participants_list(membership=worker_x, query=query)) == [person]
    assert not selectors.participants_list(membership=worker_x, query=_number(9)).exists()


# --- Roles -------------------------------------------------------------------------------


def test_federation_admin_sees_no_personal_data(scoped, make_member, worker_x, intervention):
    _register(worker_x, intervention, _number())
    admin = make_member(scoped, Role.FEDERATION_ADMIN, "ada", interventions=[intervention])
    with pytest.raises(PermissionDenied):
        selectors.participants_in_scope(admin)


def test_admin_who_is_also_case_worker_holds_both_roles(
    scoped, make_member, worker_x, intervention
):
    person = _register(worker_x, intervention, _number())
    both = make_member(
        scoped,
        Role.FEDERATION_ADMIN,
        "bea",
        interventions=[intervention],
        extra_roles=[Role.CASE_WORKER],
    )
    assert both.has_role(Role.CASE_WORKER)
    assert both.has_role(Role.FEDERATION_ADMIN)
    assert _visible(both, person)
    assert "och" in both.get_role_display()


def test_emergency_access_lends_every_participant_for_a_time_and_is_logged(
    scoped, make_member, worker_x, worker_y, intervention
):
    from stegvis.core import emergency

    person = _register(worker_x, intervention, _number())
    assert not _visible(worker_y, person)
    with pytest.raises(Exception, match="skälet"):
        emergency.emergency_access_start(actor=worker_y.user, membership=worker_y, reason="x")
    emergency.emergency_access_start(
        actor=worker_y.user,
        membership=worker_y,
        reason="Personen akut sjuk, huvudkontakten nås inte.",
        hours=1,
    )
    assert _visible(worker_y, person)
    selectors.participant_get(membership=worker_y, pk=person.pk, reason="deltagarsida")
    read = AuditEntry.objects.filter(actor_username="yusuf", action="read").get()
    assert read.reason.startswith("nödåtkomst")
    assert AuditEntry.objects.filter(action="emergency_access").count() == 1
    emergency.emergency_access_end(actor=worker_y.user, membership=worker_y)
    assert not _visible(worker_y, person)


def test_emergency_access_expires(scoped, worker_y, worker_x, intervention):
    from stegvis.core import emergency
    from stegvis.core.models import EmergencyAccess

    person = _register(worker_x, intervention, _number())
    access = emergency.emergency_access_start(
        actor=worker_y.user, membership=worker_y, reason="Akut läge, behöver kontaktuppgifter."
    )
    EmergencyAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    worker_y.__dict__.pop("_emergency_cache", None)
    assert not _visible(worker_y, person)


def test_roles_without_emergency_right_cannot_start_it(scoped, make_member):
    from stegvis.core import emergency

    lead = make_member(scoped, Role.INTERVENTION_LEAD, "lea")
    with pytest.raises(PermissionDenied):
        emergency.emergency_access_start(
            actor=lead.user, membership=lead, reason="Vill se allt en stund."
        )
