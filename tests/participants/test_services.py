from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stegvis.core.models import AuditEntry
from stegvis.core.validators import luhn_check_digit
from stegvis.participants import services
from stegvis.participants.models import Participant, Referral

pytestmark = pytest.mark.django_db

CHECK = luhn_check_digit("900517123")
NUMBER = f"19900517-123{CHECK}"
WRONG = f"19900517-123{(CHECK + 1) % 10}"


def test_personal_number_is_encrypted_at_rest_and_found_by_hmac(scope, intervention, register):
    person = register(intervention, personal_number=NUMBER)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT personal_number FROM participants_participant WHERE id = %s", [person.pk]
        )
        stored = cursor.fetchone()[0]
    assert "19900517" not in stored
    assert Participant.objects.get(pk=person.pk).personal_number == person.personal_number
    assert services.find_by_personal_number(person.personal_number.replace("-", "")) == person


def test_same_number_in_two_interventions_is_one_person(
    scope, admin, intervention, other_intervention, register
):
    admin.interventions.add(other_intervention)
    first = register(intervention, personal_number=NUMBER.replace("-", ""))
    second = register(other_intervention, personal_number=NUMBER[2:])
    assert first.pk == second.pk
    assert Participant.objects.count() == 1
    assert first.consents.count() == 2


def test_invalid_number_is_rejected_with_reason(scope, intervention, register):
    with pytest.raises(ValidationError) as error:
        register(intervention, personal_number=WRONG)
    assert "Kontrollsiffran" in str(error.value)


def test_without_consent_only_an_anonymous_record_exists(scope, intervention, register):
    person = register(intervention, consent=False)
    person.refresh_from_db()
    assert person.is_anonymous
    assert (person.first_name, person.last_name, person.personal_number) == ("", "", "")
    assert person.birth_date is None
    assert person.birth_year == 1990
    assert (person.gender, person.municipality) == ("kvinna", "Kristianstad")


def test_protected_identity_with_consent_keeps_name_and_number_masked_by_default(
    scope, intervention, register
):
    person = register(intervention, protected_identity=True)
    assert not person.is_anonymous
    assert person.protected_identity
    assert person.personal_number
    assert person.consents.count() == 1
    fresh = type(person).objects.get(pk=person.pk)
    assert fresh.identity_masked
    assert "Skyddad identitet" in fresh.display_name


def test_protected_identity_without_consent_is_anonymous(scope, admin, intervention):
    person, _ = services.participant_register(
        actor=admin.user,
        membership=admin,
        intervention=intervention,
        details=services.PersonDetails(
            gender="kvinna", birth_year=1990, municipality="Osby", protected_identity=True
        ),
        consent=None,
    )
    assert person.is_anonymous
    assert person.protected_identity
    assert person.personal_number == ""


def test_consent_withdrawal_keeps_identity_until_purge_which_anonymises_and_logs(
    scope, admin, intervention, register
):
    person = register(intervention, phone="070-123 45 67")
    consent = person.consents.get()
    services.consent_withdraw(actor=admin.user, consent=consent, withdrawn_on=date(2026, 2, 1))
    person.refresh_from_db()
    assert not person.is_anonymous
    services.participants_purge(actor=admin.user, today=date(2026, 12, 1), dry_run=False)
    person.refresh_from_db()
    assert person.is_anonymous
    assert person.anonymised_at is not None
    assert person.personal_number == ""
    assert person.personal_number_hash == ""
    assert person.phone == ""
    assert person.first_name == ""
    assert person.birth_year == 1990
    assert person.gender == "kvinna"
    assert AuditEntry.objects.filter(
        object_type="participant", object_id=str(person.pk), action="delete"
    ).exists()


def test_withdrawing_one_of_two_consents_keeps_the_record(
    scope, admin, intervention, other_intervention, register
):
    admin.interventions.add(other_intervention)
    person = register(intervention)
    register(other_intervention, personal_number=person.personal_number)
    consent = person.consents.filter(intervention=intervention).get()
    services.consent_withdraw(actor=admin.user, consent=consent, withdrawn_on=date(2026, 2, 1))
    person.refresh_from_db()
    assert not person.is_anonymous


def test_withdrawal_before_consent_date_is_refused(scope, admin, intervention, register):
    consent = register(intervention).consents.get()
    with pytest.raises(ValidationError):
        services.consent_withdraw(actor=admin.user, consent=consent, withdrawn_on=date(2025, 1, 1))


@pytest.mark.parametrize(
    ("existing", "new", "overlaps"),
    [
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 3, 31), None), True),  # same day
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2026, 4, 1), None), False),  # next day
        ((date(2026, 1, 1), None), (date(2027, 1, 1), None), True),  # open enrolment
        ((date(2026, 5, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2026, 4, 30)), False),
        ((date(2026, 5, 1), date(2026, 6, 30)), (date(2026, 1, 1), date(2026, 5, 1)), True),
    ],
)
def test_overlapping_enrolments_in_one_intervention_are_refused(
    scope, intervention, register, enrol, existing, new, overlaps
):
    person = register(intervention)
    enrol(person, intervention, *existing)
    if overlaps:
        with pytest.raises(ValidationError, match="överlappar"):
            enrol(person, intervention, *new)
    else:
        enrol(person, intervention, *new)


def test_same_person_may_be_enrolled_in_two_interventions_at_once(
    scope, admin, intervention, other_intervention, register, enrol
):
    admin.interventions.add(other_intervention)
    person = register(intervention)
    enrol(person, intervention, date(2026, 1, 1))
    enrol(person, other_intervention, date(2026, 1, 1))
    assert person.enrolments.count() == 2


def test_structural_intervention_has_no_participants(scope, intervention, register, enrol):
    person = register(intervention)
    intervention.kind = "structural"
    intervention.save()
    with pytest.raises(ValidationError, match="strukturinriktad"):
        enrol(person, intervention, date(2026, 1, 1))


def _refer(admin, person, intervention, day=date(2026, 1, 12)):
    return services.referral_create(
        actor=admin.user,
        membership=admin,
        participant=person,
        intervention=intervention,
        reason="Behöver stöd",
        referred_on=day,
    )


def test_waiting_list_is_ordered_and_can_be_reordered(scope, admin, intervention, register):
    people = [
        register(intervention, first_name=f"P{i}", personal_number=None, born=date(1980 + i, 1, 1))
        for i in range(3)
    ]
    referrals = [_refer(admin, p, intervention) for p in people]
    for r in referrals:
        services.referral_waitlist(actor=admin.user, membership=admin, referral=r)
    assert [r.waitlist_position for r in referrals] == [1, 2, 3]
    services.waitlist_move(actor=admin.user, membership=admin, referral=referrals[2], steps=-1)
    order = list(
        Referral.objects.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("pk", flat=True)
    )
    assert order == [referrals[0].pk, referrals[2].pk, referrals[1].pk]
    services.referral_decline(
        actor=admin.user, membership=admin, referral=referrals[0], reason="Flyttat"
    )
    positions = list(
        Referral.objects.filter(status="waitlisted")
        .order_by("waitlist_position")
        .values_list("waitlist_position", flat=True)
    )
    assert positions == [1, 2]


def test_accepting_a_referral_creates_the_enrolment(scope, admin, intervention, register):
    person = register(intervention)
    referral = _refer(admin, person, intervention)
    enrolment = services.referral_accept(
        actor=admin.user,
        membership=admin,
        referral=referral,
        start_date=date(2026, 1, 20),
        main_contact=admin,
        income_sources_before=["ekonomiskt_bistand"],
        af_code_before="11",
    )
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert enrolment.referral_id == referral.pk
    assert enrolment.income_sources_before == ["ekonomiskt_bistand"]
    with pytest.raises(ValidationError, match="redan beslutad"):
        services.referral_decline(actor=admin.user, membership=admin, referral=referral, reason="x")


def test_decline_requires_a_reason(scope, admin, intervention, register):
    referral = _refer(admin, register(intervention), intervention)
    with pytest.raises(ValidationError):
        services.referral_decline(
            actor=admin.user, membership=admin, referral=referral, reason="  "
        )


def test_hand_over_changes_main_contact_and_keeps_a_log(
    scope, admin, case_worker, intervention, register, enrol
):
    enrolment = enrol(register(intervention), intervention, date(2026, 1, 1), main_contact=admin)
    handover = services.enrolment_hand_over(
        actor=admin.user,
        membership=admin,
        enrolment=enrolment,
        to_contact=case_worker,
        handed_over_on=date(2026, 2, 1),
        note="Bob tar över",
    )
    enrolment.refresh_from_db()
    assert enrolment.main_contact == case_worker
    assert (handover.from_contact, handover.to_contact) == (admin, case_worker)


def test_exit_validates_reason_and_dates(scope, admin, intervention, register, enrol):
    enrolment = enrol(register(intervention), intervention, date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.enrolment_exit(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            end_date=date(2025, 12, 31),
            exit_reason="arbete",
        )
    with pytest.raises(ValidationError):
        services.enrolment_exit(
            actor=admin.user,
            membership=admin,
            enrolment=enrolment,
            end_date=date(2026, 6, 1),
            exit_reason="lottovinst",
        )
    services.enrolment_exit(
        actor=admin.user,
        membership=admin,
        enrolment=enrolment,
        end_date=date(2026, 1, 1),
        exit_reason="arbete",
        income_sources_after=["lon"],
        af_code_after="EJ_AKTUELL",
    )
    assert enrolment.end_date == date(2026, 1, 1)


def test_case_worker_cannot_register_in_an_intervention_outside_scope(
    scope, case_worker, other_intervention
):
    from django.core.exceptions import PermissionDenied

    details = services.PersonDetails(gender="man", birth_year=1980, municipality="Lund")
    with pytest.raises(PermissionDenied):
        services.participant_register(
            actor=case_worker.user,
            membership=case_worker,
            intervention=other_intervention,
            details=details,
            consent=None,
        )


@pytest.mark.parametrize(("ended_days_ago", "purged"), [(731, True), (730, False), (None, False)])
def test_purge_anonymises_after_the_retention_time(
    scope, admin, intervention, register, enrol, ended_days_ago, purged
):
    from datetime import timedelta

    today = date(2026, 11, 23)
    scope.settings = {"retention_days_after_exit": 730}
    scope.save()
    person = register(intervention)
    person.consents.update(given_on=date(2023, 1, 1))
    if ended_days_ago is None:
        enrol(person, intervention, date(2023, 1, 1))
    else:
        enrol(person, intervention, date(2023, 1, 1), today - timedelta(days=ended_days_ago))
    dry = services.participants_purge(actor=None, today=today, dry_run=True)
    assert dry.count == (1 if purged else 0)
    person.refresh_from_db()
    assert not person.is_anonymous  # a dry run changes nothing
    report = services.participants_purge(actor=None, today=today, dry_run=False)
    person.refresh_from_db()
    assert report.count == (1 if purged else 0)
    assert person.is_anonymous is purged
    assert person.enrolments.count() == 1  # statistics are kept
