"""Sharing with a clinician, and (for clinicians) their patients, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (
    NavEntry("Sharing with a clinician", "clinic:sharing", 180),
    NavEntry("My patients", "clinic:patients", 190, clinician=True),
)
