"""Knowledge bank (SPEC §9): methods and what they achieved, good examples, the start
checklist of new interventions and the steering group's dashboard."""
