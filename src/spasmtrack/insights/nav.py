"""Insights in the main bar."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Insights", "insights:page", 30, "main"),)
