"""Placements and mentors in the same matching round as activities: capacity over time,
languages and days, one proposal per kind per person, explanations, optimal totals, and
accepting a placement (a booking) or a mentor (a mentorship)."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from stegvis.activities import services as activity_services
from stegvis.activities.models import Activity, PlacementBooking
from stegvis.matching import services
from stegvis.matching.engine import Opportunity
from stegvis.matching.models import Proposal
from tests.activities.test_matching_db import open_activity, waiting  # noqa: F401
from tests.matching.test_kinds import brute_force_by_kind

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def placement(admin):
    def make(capacity=1, **fields):
        values = {
            "kind": "internship",
            "employer": "ICA Kvantum",
            "title": "Butiksbiträde",
            "supervisor_name": "Kim",
            "municipality": "Kristianstad",
            "sector": "retail",
            "requirements": ["arbetsskor"],
            "languages": ["svenska", "arabiska"],
            "capacity": capacity,
            "start_date": TODAY - timedelta(days=10),
            "end_date": TODAY + timedelta(days=120),
        }
        values.update(fields)
        return activity_services.placement_create(actor=admin.user, membership=admin, **values)

    return make


@pytest.fixture
def mentor(coordinator):
    def make(name="Karin", languages=("svenska", "arabiska"), max_mentees=1, **fields):
        return activity_services.mentor_create(
            actor=coordinator.user,
            membership=coordinator,
            name=name,
            kind="volunteer",
            languages=list(languages),
            interests=["sport"],
            availability=[1, 3],
            max_mentees=max_mentees,
            municipality="Kristianstad",
            **fields,
        )

    return make


def test_one_proposal_per_kind_with_explanations_and_room(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    placement,
    mentor,
    case_worker,
):
    open_activity(capacity=2)
    shop = placement(capacity=1)
    karin = mentor(max_mentees=2)
    mentor(name="Lars", languages=("finska",))  # no common language: never proposed
    waiting(3)
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    proposals = list(run.proposals.all())
    per_kind = Counter((p.enrolment_id, p.kind) for p in proposals)
    assert set(per_kind.values()) == {1}
    kinds = Counter(p.kind for p in proposals)
    assert kinds == {"activity": 2, "placement": 1, "mentor": 2}
    (offer,) = [p for p in proposals if p.kind == "placement"]
    assert offer.placement == shop
    assert "Arbetsgivare: ICA Kvantum" in offer.explanation
    assert "Bransch: Handel" in offer.explanation
    assert "Krav att stämma av: arbetsskor" in offer.explanation
    assert "Behov: språk (+1,5)" in offer.explanation
    assert {p.mentor for p in proposals if p.kind == "mentor"} == {karin}


def test_placement_room_is_counted_over_the_offer_period(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    placement,
    admin,
    case_worker,
):
    open_activity(capacity=1)  # makes the intervention an NAD one
    shop = placement(capacity=2)
    booked, *_rest = waiting(3)
    # A booking from next week over the offer period takes one of the two places.
    activity_services.placement_book(
        actor=admin.user,
        membership=admin,
        placement=shop,
        enrolment=booked,
        start_date=TODAY + timedelta(days=7),
        end_date=TODAY + timedelta(days=30),
    )
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    offers = [p for p in run.proposals.all() if p.kind == "placement"]
    assert len(offers) == 1  # 2 places, 1 taken on some day of the period
    assert offers[0].enrolment_id != booked.pk  # already booked: not offered another


def test_totals_are_optimal_against_brute_force(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    placement,
    mentor,
):
    open_activity(capacity=1)
    open_activity(capacity=1, title="Fotboll", category="sport", serves_health=True)
    placement(capacity=1)
    placement(capacity=1, employer="Vårdcentralen", sector="care", languages=["svenska"])
    mentor(max_mentees=1)
    waiting(3)
    proposed = services.propose(today=TODAY, weights={"interest": 2.5, "same_municipality": 0.5})
    result = proposed.result
    # Rebuild the instance the engine saw and solve it independently.
    pairs = []
    from stegvis.matching import features
    from stegvis.matching.engine import Pair
    from stegvis.matching.scoring import score_pair

    people = features.participant_features(proposed.enrolments.values())
    groups = {
        "activity": features.activity_features(proposed.activities.values(), from_date=TODAY),
        "placement": features.placement_features(proposed.placements.values()),
        "mentor": features.mentor_features(proposed.mentors.values()),
    }
    weights = {"interest": 2.5, "same_municipality": 0.5}
    for kind, places in groups.items():
        for pid, person in people.items():
            for oid, place in places.items():
                scored = score_pair(person, place, weights)
                if scored is not None:
                    pairs.append(Pair(pid, (kind, oid), scored[0]))
    capacities = {("activity", a.pk): a.capacity for a in proposed.activities.values()} | {
        ("placement", p.pk): 1 for p in proposed.placements.values()
    }
    capacities |= {("mentor", m.pk): 1 for m in proposed.mentors.values()}
    opportunities = [Opportunity(oid, cap) for oid, cap in capacities.items()]
    kinds = {oid: oid[0] for oid in capacities}
    best = brute_force_by_kind(list(proposed.enrolments), opportunities, pairs, kinds)
    assert result.total_score == pytest.approx(best, abs=1e-9)
    assert len(result.proposals) > 3


def test_accepting_a_placement_books_it_and_a_mentor_pairs(
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    placement,
    mentor,
    case_worker,
):
    open_activity(capacity=1)
    shop = placement(capacity=1)
    karin = mentor()
    (enrolment,) = waiting(1)
    run = services.run_create(actor=case_worker.user, membership=case_worker)
    offer = run.proposals.get(kind="placement")
    services.proposal_accept(actor=case_worker.user, membership=case_worker, proposal=offer)
    booking = PlacementBooking.objects.get(placement=shop, enrolment=enrolment)
    assert (booking.start_date, booking.end_date) == (TODAY, TODAY + timedelta(weeks=8))
    assert Proposal.objects.get(pk=offer.pk).booking == booking
    pairing = run.proposals.get(kind="mentor")
    services.proposal_accept(actor=case_worker.user, membership=case_worker, proposal=pairing)
    mentorship = Activity.objects.get(kind="mentorship", mentor=karin)
    assert mentorship.places.get().enrolment == enrolment
    # Next round: booked and paired, so no new placement or mentor offers for the person.
    again = services.run_create(actor=case_worker.user, membership=case_worker)
    assert not again.proposals.filter(kind__in=["placement", "mentor"]).exists()


def test_matching_page_shows_every_kind(
    client,
    waiting,  # noqa: F811
    open_activity,  # noqa: F811
    placement,
    mentor,
    case_worker,
    federation,
):
    open_activity(capacity=1)
    placement()
    mentor()
    waiting(1)
    client.force_login(case_worker.user)
    url = f"/f/{federation.slug}/matchning/"
    client.post(url, {})
    page = client.get(url).content.decode()
    assert "Butiksbiträde, ICA Kvantum" in page
    assert "Karin (volontär mentor)" in page
    assert "Praktik eller arbetsträning" in page


def test_placement_form_takes_sector_and_requirements(client, case_worker, federation, scope):
    from stegvis.activities.models import Placement

    client.force_login(case_worker.user)
    response = client.post(
        f"/f/{federation.slug}/platser/",
        {
            "kind": "internship",
            "employer": "Bageriet AB",
            "title": "Bagare",
            "sector": "restaurant",
            "requirements_text": "arbetsskor, körkort B",
            "languages_text": "svenska",
            "supervisor_name": "Kim",
            "start_date": TODAY.isoformat(),
            "end_date": (TODAY + timedelta(days=60)).isoformat(),
            "capacity": 2,
        },
    )
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.sector, placement.requirements) == ("restaurant", ["arbetsskor", "körkort B"])
