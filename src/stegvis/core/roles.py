"""Roles and what they may do (SPEC §1, modelled on SUS).

One table of permissions per role; views, API endpoints and selectors ask ``has_perm``.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", "Samverkansadministratör"
    INTERVENTION_LEAD = "intervention_lead", "Insatsansvarig"
    CASE_WORKER = "case_worker", "Deltagaransvarig/handläggare"
    ASSOCIATION_COORDINATOR = "association_coordinator", "Föreningssamordnare"
    ASSOCIATION_LEADER = "association_leader", "Föreningsledare"
    STEERING = "steering", "Styrgrupp"
    EVALUATOR = "evaluator", "Utvärderare"
    # Staff at a member authority who refers people to the federation's interventions without
    # working in them (AF, FK, municipality, region).
    REFERRER = "referrer", "Anvisare"


class Perm:
    """Permission names. Personal data is split from aggregates on purpose."""

    MANAGE_FEDERATION = "manage_federation"  # organisations, users, reference data
    VIEW_AUDIT_LOG = "view_audit_log"
    VIEW_DIRECTORY = "view_directory"
    VIEW_ALL_PERSONAL_DATA = "view_all_personal_data"  # every intervention in the federation
    VIEW_SCOPED_PERSONAL_DATA = "view_scoped_personal_data"  # only assigned interventions
    REGISTER_PARTICIPANTS = "register_participants"
    MANAGE_INTERVENTIONS = "manage_interventions"
    VIEW_AGGREGATES = "view_aggregates"
    # Exact counts in reports on one's own interventions; others see small cells hidden.
    VIEW_EXACT_COUNTS = "view_exact_counts"
    EXPORT_REPORTS = "export_reports"
    MANAGE_ASSOCIATIONS = "manage_associations"
    MANAGE_ACTIVITIES = "manage_activities"
    RECORD_ATTENDANCE = "record_attendance"  # only the leader's own activities
    VIEW_ACTIVITIES = "view_activities"  # the catalogue and places; no personal data in itself
    APPROVE_COMPENSATION = "approve_compensation"  # approve and mark payouts to associations
    RUN_MATCHING = "run_matching"  # propose participants for activities (names only in scope)
    EXPORT_ALL_DATA = "export_all_data"  # pseudonymised unless under emergency access
    # Nödåtkomst: a time-limited, reasoned look at every participant, logged on its own.
    EMERGENCY_ACCESS = "emergency_access"
    # The register extract on the data subject's own request (GDPR art. 15), found by the
    # person's number; an explicit, logged action, not a way to browse.
    SUBJECT_ACCESS_EXTRACT = "subject_access_extract"
    # Refer a person to any open intervention; see one's own referrals and their decisions
    # (only what one sent, never the participant's record).
    REFER_PARTICIPANTS = "refer_participants"


ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Organisations, users, code lists, interventions and the audit log; no personal data
    # (SUS: the samverkansadministratör sees none). A person who is also a case worker holds
    # that role too, explicitly.
    Role.FEDERATION_ADMIN: frozenset(
        {
            Perm.MANAGE_FEDERATION,
            Perm.VIEW_AUDIT_LOG,
            Perm.VIEW_DIRECTORY,
            Perm.MANAGE_INTERVENTIONS,
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_EXACT_COUNTS,
            Perm.EXPORT_REPORTS,
            Perm.MANAGE_ASSOCIATIONS,
            Perm.MANAGE_ACTIVITIES,
            Perm.EXPORT_ALL_DATA,
            Perm.VIEW_ACTIVITIES,
            Perm.APPROVE_COMPENSATION,
            Perm.EMERGENCY_ACCESS,
            Perm.SUBJECT_ACCESS_EXTRACT,
        }
    ),
    # Manages the intervention, budget and reports, and sees no personal data.
    # The NAD process lead approves payouts to associations (no personal data involved).
    Role.INTERVENTION_LEAD: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.MANAGE_INTERVENTIONS,
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_EXACT_COUNTS,
            Perm.EXPORT_REPORTS,
            Perm.VIEW_ACTIVITIES,
            Perm.APPROVE_COMPENSATION,
        }
    ),
    # Personal data only for participants in the interventions the case worker is assigned to.
    Role.CASE_WORKER: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.VIEW_SCOPED_PERSONAL_DATA,
            Perm.REGISTER_PARTICIPANTS,
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_EXACT_COUNTS,
            Perm.VIEW_ACTIVITIES,
            Perm.RUN_MATCHING,
            Perm.EMERGENCY_ACCESS,
        }
    ),
    Role.ASSOCIATION_COORDINATOR: frozenset(
        {
            Perm.VIEW_DIRECTORY,
            Perm.MANAGE_ASSOCIATIONS,
            Perm.MANAGE_ACTIVITIES,
            Perm.VIEW_AGGREGATES,
            Perm.VIEW_ACTIVITIES,
            Perm.RUN_MATCHING,
        }
    ),
    # Sees only the attendance list of his own activities (first names, attendance).
    Role.ASSOCIATION_LEADER: frozenset({Perm.RECORD_ATTENDANCE}),
    # Downloads the aggregated reports it sees, always with small cells hidden.
    Role.STEERING: frozenset(
        {Perm.VIEW_DIRECTORY, Perm.VIEW_AGGREGATES, Perm.VIEW_ACTIVITIES, Perm.EXPORT_REPORTS}
    ),
    Role.EVALUATOR: frozenset({Perm.VIEW_AGGREGATES, Perm.EXPORT_REPORTS}),
    # No personal data: a referrer sees only the referrals he sent himself.
    Role.REFERRER: frozenset({Perm.REFER_PARTICIPANTS}),
}

PERSONAL_DATA_PERMS = frozenset({Perm.VIEW_ALL_PERSONAL_DATA, Perm.VIEW_SCOPED_PERSONAL_DATA})


def role_has_perm(role: str, perm: str) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
