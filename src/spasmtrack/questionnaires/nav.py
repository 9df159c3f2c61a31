"""Questionnaires, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Questionnaires", "questionnaires:index", 140),)
