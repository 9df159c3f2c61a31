"""Experiments in the main bar."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Experiments", "trials:list", 50, "main"),)
