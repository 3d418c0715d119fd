"""What the activities app adds to the participant's register extract and erases when the
person is anonymised (participants.extract, participants.hooks)."""

from __future__ import annotations

from stegvis.activities.models import ActivityEnrolment, Attendance, PlacementBooking
from stegvis.participants.extract import EXTRACT_SECTIONS, in_interventions
from stegvis.participants.hooks import on_anonymise


def _iso(value):
    return value.isoformat() if value else None


def _activities_section(participant, ids=None):
    places = in_interventions(
        ActivityEnrolment.objects.filter(enrolment__participant=participant), ids
    ).select_related("activity__association", "activity__mentor", "activity__placement")
    items = []
    for place in places:
        attended = Attendance.objects.filter(place=place)
        items.append(
            {
                "aktivitet": place.activity.title,
                "slag": place.activity.get_kind_display(),
                "förening": place.activity.organiser,
                "från": _iso(place.start_date),
                "till": _iso(place.end_date),
                "närvarande_gånger": attended.filter(present=True).count(),
                "registrerade_tillfällen": attended.count(),
            }
        )
    return "aktiviteter", items


def _placements_section(participant, ids=None):
    bookings = in_interventions(
        PlacementBooking.objects.filter(
            enrolment__participant=participant, cancelled_on__isnull=True
        ),
        ids,
    ).select_related("placement")
    return "praktik_och_arbetsträning", [
        {
            "slag": b.placement.get_kind_display(),
            "arbetsgivare": b.placement.employer,
            "uppgifter": b.placement.title,
            "från": _iso(b.start_date),
            "till": _iso(b.end_date),
        }
        for b in bookings
    ]


EXTRACT_SECTIONS.extend([_activities_section, _placements_section])


@on_anonymise
def _erase_free_text(participant) -> None:
    """Decision notes on matching proposals may describe the person, and the explanation
    names their languages, needs and interests."""
    from stegvis.matching.models import Proposal

    Proposal.objects.filter(enrolment__participant=participant).update(note="", explanation=[])
