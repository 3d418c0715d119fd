"""The participant's timeline shows places in activities of every kind (NAD activity, own group
activity, study visit, mentorship, workplace placement) and bookings on placements."""

from __future__ import annotations

from stegvis.activities.models import ActivityEnrolment, PlacementBooking
from stegvis.participants.selectors import TIMELINE_PROVIDERS, TimelineEvent, enrolments_of


def _activity_events(participant, membership):
    # The person's enrolments in scope (already read for the page), not a join per table.
    ids = [e.pk for e in enrolments_of(participant, membership)]
    for place in ActivityEnrolment.objects.filter(enrolment_id__in=ids).select_related(
        "activity__association", "activity__mentor", "activity__placement"
    ):
        activity = place.activity
        kind = activity.get_kind_display()
        yield TimelineEvent(
            place.start_date,
            "Plats i aktivitet",
            f"{kind}: {activity.title} ({activity.organiser})",
            "activity",
        )
        if place.end_date:
            yield TimelineEvent(
                place.end_date, "Slutade i aktivitet", f"{kind}: {activity.title}", "activity"
            )
    for booking in PlacementBooking.objects.filter(
        enrolment_id__in=ids,
        cancelled_on__isnull=True,
    ).select_related("placement"):
        yield TimelineEvent(
            booking.start_date,
            booking.placement.get_kind_display(),
            f"{booking.placement.title}, {booking.placement.employer}",
            "placement",
        )


TIMELINE_PROVIDERS.append(_activity_events)
