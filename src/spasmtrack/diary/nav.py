"""The diary's links: Today and History open the main bar."""

from spasmtrack.navigation import NavEntry

NAV = (
    NavEntry("Today", "diary:today", 10, "main", exact=True),
    NavEntry("History", "diary:history", 20, "main", exact=True),
)
