"""The clinician report, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Report for my clinician", "reports:report", 150),)
