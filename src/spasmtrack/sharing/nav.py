"""Share links, in the More menu."""

from spasmtrack.navigation import NavEntry

NAV = (NavEntry("Share links", "sharing:links", 170),)
