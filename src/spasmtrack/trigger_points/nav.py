"""Trigger points in the main bar."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Trigger points", "trigger_points:tracking", 40, "main"),)
